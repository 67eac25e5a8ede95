-- db/migrations/20261205050000_check_consultant_links.sql — a consultant's public links are plain https links on the host they promise, read as a browser reads them.

-- migrate:up
-- The API's schemas (app/schemas.py) refuse the same links with a message; these checks keep any other writer
-- honest. A browser ends the host at a backslash and takes `user@` before it as user info, so neither may appear
-- before the path; no whitespace or control character anywhere. Not valid: rows written before are left as they
-- were (the next change to them must comply); new rows are checked.
alter table app.consultants
  add constraint consultants_instagram_url_link check (instagram_url is null or instagram_url ~*
    '^https://([a-z0-9-]+\.)*instagram\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$') not valid,
  add constraint consultants_linkedin_url_link check (linkedin_url is null or linkedin_url ~*
    '^https://([a-z0-9-]+\.)*linkedin\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$') not valid,
  add constraint consultants_twitter_url_link check (twitter_url is null or twitter_url ~*
    '^https://([a-z0-9-]+\.)*(twitter\.com|x\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$') not valid,
  add constraint consultants_zoom_link_link check (zoom_link is null or zoom_link ~*
    '^https://([a-z0-9-]+\.)*(zoom\.us|zoom\.com|zoomgov\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$') not valid,
  add constraint consultants_meet_link_link check (meet_link is null or meet_link ~*
    '^https://([a-z0-9-]+\.)*meet\.google\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$') not valid,
  add constraint consultants_teams_link_link check (teams_link is null or teams_link ~*
    '^https://([a-z0-9-]+\.)*(teams\.microsoft\.com|teams\.live\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$') not valid;

-- migrate:down
alter table app.consultants
  drop constraint consultants_instagram_url_link, drop constraint consultants_linkedin_url_link,
  drop constraint consultants_twitter_url_link, drop constraint consultants_zoom_link_link,
  drop constraint consultants_meet_link_link, drop constraint consultants_teams_link_link;

-- Test: pytest tests/fuzz/test_abuse_urls.py tests/meta/test_migrations.py
