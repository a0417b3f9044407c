"""The JSON API under `/api`: thin views (parse, authorise, call a `graph/` use case), bearer
tokens, problem details and the OpenAPI document. May import `graph/` and `flock.core`; never
`web/` (a sibling: what both share lives in `graph/`)."""
