-- Navigation type on JS errors (issue 13: the navigationType filter on every route, errors
-- included). An error takes the navigation type of the page view its beacon reports (the last
-- metric's, which after a back/forward-cache restore is the restore's); a beacon with errors
-- only has none (NULL). Rows stored before this migration have none.
ALTER TABLE js_errors ADD COLUMN navigation_type text;
