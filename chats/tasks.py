"""Background work for chats. Replies are delivered by the outbox
(``sellerdesk.marketplaces.tasks.outbox_send``); inbound chat events arrive through the
marketplace sync. Nothing chat-specific runs in a worker today."""
