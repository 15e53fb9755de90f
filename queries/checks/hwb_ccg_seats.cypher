// CCGs missing from the HWB of an authority they overlap by at least $tolerance_pct %;
// boards with no recorded seats are left to hwb_statutory_members.
MATCH (c:CCG)-[o:OVERLAPS]->(la:LocalAuthority)-[b:HAS_HWB]->(h:HWB)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND coalesce(b.valid_from, '0000') <= $as_at <= coalesce(b.valid_to, '9999')
  AND coalesce(h.open_date, '0000') <= $as_at <= coalesce(h.close_date, '9999')
  AND coalesce(o.valid_from, '0000') <= $as_at <= coalesce(o.valid_to, '9999')
  AND coalesce(o.share, 0.0) >= $tolerance_pct
  AND EXISTS {
    MATCH ()-[s:SEAT_ON]->(h)
    WHERE coalesce(s.valid_from, '0000') <= $as_at <= coalesce(s.valid_to, '9999')
  }
  AND NOT EXISTS {
    MATCH (c)-[s:SEAT_ON]->(h)
    WHERE coalesce(s.valid_from, '0000') <= $as_at <= coalesce(s.valid_to, '9999')
  }
RETURN c.code AS org, {hwb: h.code, authority: la.code, share: coalesce(o.share, 0.0)} AS evidence
