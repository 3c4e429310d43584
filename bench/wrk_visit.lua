-- wrk: POST /api/v1/visits as a caseworker, one visit per request, for
-- person ids drawn at random from BENCH_IDS (one uuid per line, all in the
-- caseworker's units). Env: BENCH_TOKEN, BENCH_IDS, BENCH_DAY (YYYY-MM-DD).
package.path = (os.getenv("BENCH_DIR") or "bench") .. "/?.lua;" .. package.path
local report = require("wrk_report")

local ids = {}
local token = os.getenv("BENCH_TOKEN")
local day = os.getenv("BENCH_DAY")

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do
    ids[#ids + 1] = line
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local id = ids[math.random(#ids)]
  local body = '{"person":"' .. id .. '","visited_at":"' .. day .. 'T10:' ..
    string.format("%02d", math.random(0, 59)) .. ':00","occasion":"日常联系","mode":"上门",' ..
    '"findings":"精神状态良好，已了解近况"}'
  return wrk.format("POST", "/api/v1/visits",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

done = report.done
