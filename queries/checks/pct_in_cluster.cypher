// PCTs in no cluster; a data gap when no cluster is recorded at all, or the PCT's sources do not
// record clusters (cluster_recorded = false). Judged on the days a PCT existed and on the day after
// its last ($eve: the day before $as_at).
OPTIONAL MATCH (k:PCTCluster)
WITH count(k) > 0 AS recorded
MATCH (p:PCT)
WHERE (coalesce(p.open_date, '0000') <= $as_at <= coalesce(p.close_date, '9999') OR p.close_date = $eve)
  AND NOT EXISTS { MATCH (p)-[:IN_CLUSTER]->(:PCTCluster) }
RETURN p.code AS org,
       CASE WHEN recorded AND coalesce(p.cluster_recorded, true) THEN {} ELSE {recorded: false} END AS evidence
