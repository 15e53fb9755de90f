// CCGs open on $as_at with no member practice.
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND NOT EXISTS {
    MATCH (:Practice)-[m:MEMBER_OF]->(c)
    WHERE coalesce(m.valid_from, '0000') <= $as_at <= coalesce(m.valid_to, '9999')
  }
RETURN c.code AS org, {} AS evidence
