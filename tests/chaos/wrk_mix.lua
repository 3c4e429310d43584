-- wrk script for scripts/valgrind-load: a rotating mix of read routes, with
-- a few requests that must fail (unknown route, bad id, unknown query
-- parameter), so the error paths run as well. Every answer keeps its size
-- while the writes go on (lists are bounded or filtered to one person):
-- a response that grew with the data would grow the heap's high-water mark
-- and look like a leak in the RSS curve.
--   YH_TOKEN    bearer token
--   YH_PERSON   a cadre id
--   YH_VISIT    a visit id
local token = os.getenv("YH_TOKEN") or ""
local person = os.getenv("YH_PERSON") or "00000000-0000-4000-8000-000000000000"
local visit = os.getenv("YH_VISIT") or "00000000-0000-4000-8000-000000000000"

local paths = {
  "/healthz",
  "/api/v1/session",
  "/api/v1/units",
  "/api/v1/cadres?limit=20",
  "/api/v1/cadres/" .. person,
  "/api/v1/cadres/" .. person .. "/survivors",
  "/api/v1/visits?person=" .. person .. "&limit=20",
  "/api/v1/visits/" .. visit,
  "/api/v1/visits/due",
  "/api/v1/obligations?person=" .. person,
  "/api/v1/plans/" .. person,
  "/api/v1/programmes",
  "/api/v1/enrolments?person=" .. person,
  "/api/v1/batches",
  "/api/v1/casework/figures?from=2025-01-01&to=2025-12-31",
  "/api/v1/roster/figures?from=2025-01-01&to=2025-12-31",
  "/api/v1/budget-items",
  "/metrics",
  "/api/v1/no-such-route",
  "/api/v1/cadres/not-a-uuid",
  "/api/v1/visits?colour=red",
}
local i = 0

request = function()
  i = i + 1
  local path = paths[(i % #paths) + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
