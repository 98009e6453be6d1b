/**
 * The raw bound of the command benchmark: grpc-js with an empty unary handler, nothing else (no kit, no
 * auth, no decoding). Prints its port on stdout, runs until killed.
 */
import * as grpc from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;
const definition: grpc.ServiceDefinition = {
  empty: {
    path: '/bench.Empty/Empty',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};
const server = new grpc.Server();
server.addService(definition, {
  empty: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
    callback(null, Buffer.alloc(0)),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`${port}\n`);
});
