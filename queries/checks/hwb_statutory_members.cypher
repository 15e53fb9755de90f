// HWBs open on $as_at without each statutory seat ($seats); no seats at all is a data gap.
MATCH (h:HWB)
WHERE coalesce(h.open_date, '0000') <= $as_at <= coalesce(h.close_date, '9999')
OPTIONAL MATCH ()-[s:SEAT_ON]->(h)
WHERE coalesce(s.valid_from, '0000') <= $as_at <= coalesce(s.valid_to, '9999')
WITH h, collect(s.qualifier) AS seats
WITH h, seats, [x IN $seats WHERE NOT x IN seats] AS missing
WHERE size(seats) = 0 OR size(missing) > 0
RETURN h.code AS org, CASE WHEN size(seats) = 0 THEN {recorded: false} ELSE {missing: missing} END AS evidence
