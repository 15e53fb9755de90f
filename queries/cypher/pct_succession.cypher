// 2012 PCTs whose population passed to no CCG.
MATCH (p:PCT)
WHERE NOT EXISTS { MATCH (p)-[:SUCCEEDED_BY]->(:CCG) }
RETURN p.code AS org, {} AS evidence
