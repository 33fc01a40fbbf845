-- wrk script: POST one of several prediction bodies per request, rotating through them.
--
-- Environment:
--   BODIES  file with one JSON request body per line (made by bench.py from the dataset)
--   TOKEN   bearer token sent with every request (dataml checks it; the peer ignores it)
-- The URL's path is the endpoint (wrk.path). Each wrk thread starts at a different body and
-- steps through all of them in turn, so consecutive requests on a connection differ.
-- The requests are formatted once, in init(); request() only hands out the next one.

local bodies_path = os.getenv("BODIES")
local token = os.getenv("TOKEN") or ""
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_index", counter)
end

local requests = {}
local n = 0
local i = 0

function init(args)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  for line in io.lines(bodies_path) do
    if #line > 0 then
      n = n + 1
      requests[n] = wrk.format("POST", wrk.path, headers, line)
    end
  end
  if n == 0 then error("no request bodies in " .. tostring(bodies_path)) end
  -- thread_index is set by setup() before init() runs in the thread
  i = ((thread_index or 1) - 1) * 7 % n
end

function request()
  i = i % n + 1
  return requests[i]
end
