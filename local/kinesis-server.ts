// kinesalite's own CLI listens on every interface; tickflow's stack binds loopback only.
import kinesalite from 'kinesalite';

const [port = '4567', dataPath] = process.argv.slice(2);
const server = kinesalite({ path: dataPath, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
server.listen(Number(port), '127.0.0.1', () => console.log(`kinesalite listening on 127.0.0.1:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
