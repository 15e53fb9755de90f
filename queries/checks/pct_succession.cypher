// 2012 PCTs whose population passed to no CCG, or whose successors' recorded shares do not add
// up to 100% (within half a percentage point); successions without shares are not added up.
// Judged on the days a PCT existed and on the day after its last ($eve: the day before $as_at).
MATCH (p:PCT)
WHERE coalesce(p.open_date, '0000') <= $as_at <= coalesce(p.close_date, '9999') OR p.close_date = $eve
OPTIONAL MATCH (p)-[s:SUCCEEDED_BY]->(:CCG)
WITH p, count(s) AS successors, count(s.share) AS shared, sum(coalesce(s.share, 0.0)) AS total
WHERE successors = 0 OR (shared > 0 AND abs(total - 100.0) > 0.5)
RETURN p.code AS org,
       {share_passed: CASE WHEN successors = 0 THEN 0.0 ELSE toFloat(round(total * 100)) / 100 END} AS evidence
