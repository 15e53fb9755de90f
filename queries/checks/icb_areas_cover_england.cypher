// LSOA groups open on the date in no integrated care board's area, or in more than one: a group
// is in the area of each open board its open sub-ICB locations are in that day; a location with
// no board recorded that day is a data gap. See the NetworkX twin's docstring.
MATCH (g:LSOAGroup)
WHERE coalesce(g.open_date, '0000') <= $as_at <= coalesce(g.close_date, '9999')
OPTIONAL MATCH (g)-[r:IN_AREA_OF]->(s:SubICBLocation)-[i:IN_ICB]->(b:ICB)
WHERE coalesce(r.valid_from, '0000') <= $as_at <= coalesce(r.valid_to, '9999')
  AND coalesce(s.open_date, '0000') <= $as_at <= coalesce(s.close_date, '9999')
  AND coalesce(i.valid_from, '0000') <= $as_at <= coalesce(i.valid_to, '9999')
  AND coalesce(b.open_date, '0000') <= $as_at <= coalesce(b.close_date, '9999')
WITH g, b ORDER BY b.code
WITH g, collect(DISTINCT b.code) AS bodies
OPTIONAL MATCH (g)-[r:IN_AREA_OF]->(s:SubICBLocation)
WHERE coalesce(r.valid_from, '0000') <= $as_at <= coalesce(r.valid_to, '9999')
  AND coalesce(s.open_date, '0000') <= $as_at <= coalesce(s.close_date, '9999')
  AND NOT EXISTS {
    MATCH (s)-[i:IN_ICB]->(b:ICB)
    WHERE coalesce(i.valid_from, '0000') <= $as_at <= coalesce(i.valid_to, '9999')
      AND coalesce(b.open_date, '0000') <= $as_at <= coalesce(b.close_date, '9999')
  }
WITH g, bodies, s ORDER BY s.code
WITH g, bodies, collect(DISTINCT s.code) AS unplaced
WHERE size(unplaced) > 0 OR size(bodies) <> 1
RETURN g.code AS org,
       CASE WHEN size(unplaced) > 0 THEN {recorded: false, lsoas: g.lsoas, locations: unplaced}
            ELSE {lsoas: g.lsoas, bodies: bodies} END AS evidence
