// Governing-body members SI 2012/1631 Schedule 5 disqualifies, paras 1-5: see the NetworkX
// twin's docstring. Para 4 counts the five years back from the member's first role start.
MATCH (p:Person)-[h:HOLDS_ROLE]->(c:CCG)
WHERE coalesce(h.valid_from, '0000') <= $as_at <= coalesce(h.valid_to, '9999')
  AND coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
WITH c, p, [s IN collect(h.valid_from) WHERE s IS NOT NULL] AS starts
WITH c, p, CASE WHEN size(starts) = 0 THEN null
                ELSE reduce(m = head(starts), s IN tail(starts) | CASE WHEN s < m THEN s ELSE m END) END AS appointed
WITH c, p, appointed,
     CASE WHEN appointed IS NULL THEN null
          WHEN substring(appointed, 5) = '02-29' THEN toString(date({year: toInteger(left(appointed, 4)) - 5, month: 3, day: 1}))
          ELSE toString(date(appointed) - duration({years: 5})) END AS since
WITH c, p, [x IN [
    CASE WHEN coalesce(p.elected_member, false) THEN 'para 1' END,
    CASE WHEN coalesce(p.councillor, false) THEN 'para 2' END,
    CASE WHEN coalesce(p.commissioning_support, false) THEN 'para 3' END,
    CASE WHEN p.imprisonment_conviction IS NOT NULL AND since IS NOT NULL
              AND since <= p.imprisonment_conviction < appointed THEN 'para 4' END,
    CASE WHEN p.bankruptcy_restrictions_from IS NOT NULL AND p.bankruptcy_restrictions_from <= $as_at
              AND $as_at <= coalesce(p.bankruptcy_restrictions_to, '9999') THEN 'para 5' END
  ] WHERE x IS NOT NULL] AS paragraphs
WHERE size(paragraphs) > 0
RETURN c.code AS org, {person: p.code, paragraphs: paragraphs} AS evidence
