// 2012 PCTs whose population passed to no CCG, or whose successors' recorded shares do not add
// up to 100% (within half a percentage point); successions without shares are not added up.
MATCH (p:PCT)
OPTIONAL MATCH (p)-[s:SUCCEEDED_BY]->(:CCG)
WITH p, count(s) AS successors, count(s.share) AS shared, sum(coalesce(s.share, 0.0)) AS total
WHERE successors = 0 OR (shared > 0 AND abs(total - 100.0) > 0.5)
RETURN p.code AS org,
       {share_passed: CASE WHEN successors = 0 THEN 0.0 ELSE toFloat(round(total * 100)) / 100 END} AS evidence
