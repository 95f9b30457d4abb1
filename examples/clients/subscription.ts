// Live changes over graphql-ws (npm i graphql-ws). The token travels in connection_init; a
// refused token closes the socket with 4403.
import { createClient } from 'graphql-ws';

const client = createClient({
  url: 'ws://127.0.0.1:8080/graphql/ws',
  connectionParams: { Authorization: `Bearer ${process.env.HUB_TOKEN}` },
});

const changes = client.iterate({
  query: 'subscription { changes(types: [MEMBERSHIP]) { at operation entityId changedFields } }',
});

for await (const event of changes) {
  console.log(event.data?.changes);
}
