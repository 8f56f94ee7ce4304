// Exit 0 when the DNS server at argv[2] resolves argv[3] (an A record), else 1.
// up.sh's check that CoreDNS answers, without dig on the machine.
const { Resolver } = require("node:dns").promises;
const resolver = new Resolver({ timeout: 2000, tries: 1 });
resolver.setServers([process.argv[2]]);
resolver.resolve4(process.argv[3]).then(
  (a) => {
    console.log(a.join(" "));
    process.exit(a.length ? 0 : 1);
  },
  (e) => {
    console.error(e.code || e.message);
    process.exit(1);
  },
);
