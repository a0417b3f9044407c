/*
name: schema/18_audit_event_seq_unique
:params {}
*/
CREATE CONSTRAINT audit_event_seq_unique IF NOT EXISTS FOR (e:AuditEvent) REQUIRE e.seq IS UNIQUE
