-- wrk: GET BENCH_PATH with a bearer token. "{id}" in the path is replaced,
-- per request, by a line drawn at random from BENCH_IDS.
-- Env: BENCH_TOKEN, BENCH_PATH, BENCH_IDS (optional).
package.path = (os.getenv("BENCH_DIR") or "bench") .. "/?.lua;" .. package.path
local report = require("wrk_report")

local ids = {}
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH")
local headers = { ["Authorization"] = "Bearer " .. token }

function init(args)
  local f = os.getenv("BENCH_IDS")
  if f and f ~= "" then
    for line in io.lines(f) do
      ids[#ids + 1] = line
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local p = path
  if #ids > 0 then
    p = string.gsub(path, "{id}", ids[math.random(#ids)])
  end
  return wrk.format("GET", p, headers)
end

done = report.done
