// CCGs open on $as_at with no open member practice (practices closed on the date do not count).
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND NOT EXISTS {
    MATCH (p:Practice)-[m:MEMBER_OF]->(c)
    WHERE coalesce(m.valid_from, '0000') <= $as_at <= coalesce(m.valid_to, '9999')
      AND coalesce(p.open_date, '0000') <= $as_at <= coalesce(p.close_date, '9999')
  }
RETURN c.code AS org, {} AS evidence
