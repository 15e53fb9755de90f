// PCTs in no cluster; a data gap when no cluster is recorded at all, or the PCT's sources do not
// record clusters (cluster_recorded = false).
OPTIONAL MATCH (k:PCTCluster)
WITH count(k) > 0 AS recorded
MATCH (p:PCT)
WHERE NOT EXISTS { MATCH (p)-[:IN_CLUSTER]->(:PCTCluster) }
RETURN p.code AS org,
       CASE WHEN recorded AND coalesce(p.cluster_recorded, true) THEN {} ELSE {recorded: false} END AS evidence
