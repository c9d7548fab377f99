// SPDX-License-Identifier: MIT
// The ERC-20 the integration tests deploy on anvil: OpenZeppelin's ERC20 with
// the whole supply minted to the deployer, plus two calls that always fail,
// one with a revert reason (Error(string)) and one with a panic (Panic(uint256)),
// so tests can see how a node reports each.
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

contract Token is ERC20 {
    constructor(uint256 supply) ERC20("Chaindeck Test Token", "CDT") {
        _mint(msg.sender, supply);
    }

    /// Always reverts with the reason "Token: always fails".
    function failWithReason() external pure {
        revert("Token: always fails");
    }

    /// Always panics with code 0x12 (division by zero).
    function failWithPanic(uint256 d) external pure returns (uint256) {
        return 1 / d;
    }
}
