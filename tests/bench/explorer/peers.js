// The explorer bench's peers: viem and ethers fetching a range of blocks with their full
// transactions, each the way its documentation shows, timed inside the process like fetchbench.
//
//   node tests/bench/explorer/peers.js LIB URL FROM TO
//
// LIB:
//   viem          createPublicClient with http(url, { batch: true }): the JSON-RPC batching the viem
//                 docs suggest for many calls at once; getBlock({ blockNumber, includeTransactions:
//                 true }) for every block under one Promise.all. The http timeout is raised to 120 s
//                 (its default, 10 s, is shorter than one batch of the whole range takes).
//   viem-nobatch  the same with viem's default http transport (no batching): one request per block.
//   ethers        new JsonRpcProvider(url) (its default batching: up to 100 calls per request) and
//                 provider.getBlock(n, true) for every block under one Promise.all.
//
// Before timing, one eth_blockNumber through the same client (chain id detection, connection).
// Output, key=value: lib, version, blocks, txs, ms. Exit 1 if a block is missing or the call fails.
'use strict';

const path = require('path');
const { createRequire } = require('module');

// The pinned packages live in tests/npm (installed by scripts/deps.sh).
const npm = createRequire(path.join(__dirname, '..', '..', 'npm', 'package.json'));

async function main() {
	const [lib, url, fromArg, toArg] = process.argv.slice(2);
	const from = Number(fromArg), to = Number(toArg);
	if (!lib || !url || !Number.isInteger(from) || !Number.isInteger(to) || from > to) {
		console.error('usage: peers.js viem|viem-nobatch|ethers URL FROM TO');
		process.exit(2);
	}
	const numbers = [];
	for (let n = from; n <= to; n++) numbers.push(n);

	let fetchAll, version;
	if (lib.startsWith('viem')) {
		const viem = npm('viem');
		const transports = {
			viem: () => viem.http(url, { batch: true, maxResponseBodySize: false, timeout: 120_000 }),
			'viem-batch10': () => viem.http(url, { batch: { batchSize: 10 } }),
			'viem-nobatch': () => viem.http(url),
		};
		if (!transports[lib]) {
			console.error(`peers.js: unknown library ${lib}`);
			process.exit(2);
		}
		const client = viem.createPublicClient({ transport: transports[lib]() });
		version = npm('viem/package.json').version;
		await client.getBlockNumber();
		fetchAll = () => Promise.all(numbers.map((n) =>
			client.getBlock({ blockNumber: BigInt(n), includeTransactions: true })));
	} else if (lib === 'ethers') {
		const ethers = npm('ethers');
		const provider = new ethers.JsonRpcProvider(url);
		version = ethers.version;
		await provider.getBlockNumber();
		fetchAll = () => Promise.all(numbers.map((n) => provider.getBlock(n, true)));
		process.on('exit', () => provider.destroy());
	} else {
		console.error(`peers.js: unknown library ${lib}`);
		process.exit(2);
	}

	const t0 = process.hrtime.bigint();
	const blocks = await fetchAll();
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;

	let txs = 0;
	for (let i = 0; i < blocks.length; i++) {
		const b = blocks[i];
		if (!b || Number(b.number) !== numbers[i]) {
			console.error(`peers.js: ${lib}: block ${numbers[i]} missing or wrong`);
			process.exit(1);
		}
		// viem: transactions are objects; ethers: prefetchedTransactions with getBlock(n, true)
		txs += lib === 'ethers' ? b.prefetchedTransactions.length : b.transactions.length;
	}
	console.log(`lib=${lib}\nversion=${version}\nblocks=${blocks.length}\ntxs=${txs}\nms=${ms.toFixed(1)}`);
}

main().then(() => process.exit(0), (e) => {
	console.error(`peers.js: ${e && e.shortMessage ? e.shortMessage : e}`);
	process.exit(1);
});
