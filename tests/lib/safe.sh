# Sourced by tests that need the Safe 1.4.1 contracts on anvil (after node.sh).
# safe_contracts_place URL: anvil_setCode with the npm artifacts' deployedBytecode puts Safe, SafeL2,
# SafeProxyFactory and CompatibilityFallbackHandler at their canonical addresses, where they are on
# every real chain, so chaindeck's built-in defaults are what the tests exercise. The singleton's own
# storage stays empty (its constructor would have locked it with threshold 1): proxies only
# delegatecall its code and keep their state in their own storage.
safe_contracts_place() {
	local url=$1 art=$CHAINDECK_ROOT/tests/npm/node_modules/@safe-global/safe-contracts/build/artifacts/contracts
	_safe_setcode() {
		local code
		code=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["deployedBytecode"])' "$art/$2") &&
			rpc_result "$url" anvil_setCode "[\"$1\",\"$code\"]" >/dev/null
	}
	_safe_setcode 0x41675C099F32341bf84BFc5382aF534df5C7461a Safe.sol/Safe.json &&
		_safe_setcode 0x29fcB43b46531BcA003ddC8FCB67FFE91900C762 SafeL2.sol/SafeL2.json &&
		_safe_setcode 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67 proxies/SafeProxyFactory.sol/SafeProxyFactory.json &&
		_safe_setcode 0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99 handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json
}
