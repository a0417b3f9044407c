/*
name: schema/14_web_session_digest_unique
:params {}
*/
CREATE CONSTRAINT web_session_digest_unique IF NOT EXISTS
FOR (s:WebSession) REQUIRE s.digest IS UNIQUE
