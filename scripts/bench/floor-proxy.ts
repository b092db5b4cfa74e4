// The floor any Node.js proxy pays on this machine: a bare node:http pass-through (keep-alive
// agent, body bytes forwarded untouched, no parsing, routing, logging or metrics). The benchmark
// runs it beside the router so the router's figures can be read against what one extra HTTP hop
// costs here, not only against the fleet served directly.
// Usage: node --import tsx scripts/bench/floor-proxy.ts <listen port> <upstream port>
import http from "node:http";

const [listenPort, upstreamPort] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, scheduling: "lifo" });

http
  .createServer((req, res) => {
    const upstream = http.request(
      { host: "127.0.0.1", port: upstreamPort, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  })
  .listen(listenPort, "127.0.0.1");
