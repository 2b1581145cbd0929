-- wrk script for the HTTP benchmarks (http-load.ts): GETs the URL, or POSTs the bodies of a file
-- (one JSON text per line) in turn, with the given headers; prints the figures as one JSON line
-- prefixed "KEEL ".
--   wrk -s http-load.lua URL -- GET|<bodies file> [<name: value>...]
local bodies = {}
local i = 0

function init(args)
  if args[1] ~= "GET" then
    for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
    wrk.method = "POST"
  end
  for k = 2, #args do
    local name, value = args[k]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end

function request()
  if #bodies == 0 then return wrk.format() end
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  -- The latency distribution (µs) on a grid of percentiles, so runs can be pooled (http-load.ts).
  local grid = {}
  for k = 1, 199 do grid[#grid + 1] = latency:percentile(k / 2) end
  for k = 1, 9 do grid[#grid + 1] = latency:percentile(99.5 + k / 20) end
  io.write(string.format(
    'KEEL {"requests":%d,"durationMicros":%d,"non2xx":%d,"errors":%d,"gridMicros":[%s]}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    table.concat(grid, ",")))
end
