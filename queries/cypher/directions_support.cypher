// CCGs under legal directions with no named source of intensive support.
MATCH (c:CCG {authorisation_outcome: 'authorised_with_directions'})
WHERE NOT EXISTS {
  MATCH (c)-[s:INTENSIVE_SUPPORT_FROM]->()
  WHERE coalesce(s.valid_from, '0000') <= $as_at <= coalesce(s.valid_to, '9999')
}
RETURN c.code AS org, {} AS evidence
