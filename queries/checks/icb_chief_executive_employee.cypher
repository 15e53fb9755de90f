// Integrated care boards whose chief executive is recorded as employed by someone other than the
// ICB (NHS Act 2006 Schedule 1B para 7(2)): see the NetworkX twin's docstring.
MATCH (p:Person)-[r:ON_BOARD {qualifier: 'chief_executive'}]->(b:ICB)
WHERE coalesce(b.open_date, '0000') <= $as_at <= coalesce(b.close_date, '9999')
  AND coalesce(r.valid_from, '0000') <= $as_at <= coalesce(r.valid_to, '9999')
  AND NOT coalesce(p.employer, 'none') IN ['none', 'icb']
WITH DISTINCT b, p
RETURN b.code AS org, {person: p.code, employer: p.employer} AS evidence
