import type { ChannelDefinition } from './channel.js';
import { emailChannel } from './email.js';
import { portalChannel } from './portal.js';
import { sftpChannel } from './sftp.js';

export {
  ChannelError,
  type ChannelContext,
  type ChannelDefinition,
  type ChannelLimits,
  type Delivery,
  type DeliveryFile,
  type FailureKind,
  type OpenChannel,
  type SendResult,
} from './channel.js';
export { secretReader } from './secrets.js';
export { SharedConnections } from './shared-connections.js';
export { readAckFolder, type RemoteFile } from './sftp.js';
export { portalStatus } from './portal.js';

/** Every channel, by the `type` a profile's `channel` names. A new channel is one file here and one line below. */
export const CHANNELS: ReadonlyMap<string, ChannelDefinition> = new Map<string, ChannelDefinition>([
  ['sftp', sftpChannel],
  ['email', emailChannel],
  ['portal', portalChannel],
]);
