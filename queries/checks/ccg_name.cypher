// CCGs open on $as_at whose name does not begin 'NHS ' and end ' Clinical Commissioning Group'
// with something between; a register's short form (name_abbreviated) is a data gap.
MATCH (c:CCG)
WHERE coalesce(c.open_date, '0000') <= $as_at <= coalesce(c.close_date, '9999')
  AND (c.name_abbreviated = true
       OR NOT (c.name STARTS WITH 'NHS ' AND c.name ENDS WITH ' Clinical Commissioning Group'
               AND size(c.name) > size('NHS  Clinical Commissioning Group')))
RETURN c.code AS org, CASE WHEN c.name_abbreviated = true THEN {recorded: false} ELSE {name: c.name} END AS evidence
