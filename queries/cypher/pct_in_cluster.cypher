// PCTs in no cluster; when no cluster is recorded at all, each is a data gap.
OPTIONAL MATCH (k:PCTCluster)
WITH count(k) > 0 AS recorded
MATCH (p:PCT)
WHERE NOT EXISTS { MATCH (p)-[:IN_CLUSTER]->(:PCTCluster) }
RETURN p.code AS org, CASE WHEN recorded THEN {} ELSE {recorded: false} END AS evidence
