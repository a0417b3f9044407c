/*
name: schema/17_audit_head_unique
:params {}
*/
// One head of the audit chain: appending locks it, so entries get one order.
CREATE CONSTRAINT audit_head_unique IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE
