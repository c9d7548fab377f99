// SPDX-License-Identifier: MIT
// The ERC-721 the explorer tests deploy on anvil: OpenZeppelin's ERC721
// ("Chaindeck Test NFT", CDN) with token ids 0 and 1 minted to the deployer,
// plus a call that always reverts with a custom error no selector table knows,
// so tests can see how its argument data is shown.
pragma solidity ^0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

contract Nft is ERC721 {
    error NotToday(uint256 code, address who);

    constructor() ERC721("Chaindeck Test NFT", "CDN") {
        _mint(msg.sender, 0);
        _mint(msg.sender, 1);
    }

    /// Always reverts with NotToday(42, caller).
    function failCustom() external view {
        revert NotToday(42, msg.sender);
    }
}
