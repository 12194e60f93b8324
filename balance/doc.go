// Package balance lets the hosts of a sweep that share a folder (NFS,
// Lustre, CephFS, sshfs) steal work from each other and take over the work
// of dead hosts, with no server: the folder is the only shared state, and
// the plan is every host's starting point.
//
// # Protocol
//
// Everything lives under DIR/<digest>/ and is written in one of three ways,
// none of which needs a lock, O_EXCL, or a rename over a name that may exist:
//   - append: write a temporary file of content unique to the writer
//     (incarnation, sequence number), close it, link(2) it to the target
//     name, read the name back. The writer owns the name if and only if the
//     content read back is its own; link's own answer and the link count are
//     never trusted (NFS may answer EEXIST for a link that was made; sshfs
//     counts no links).
//   - publish: write a temporary file, rename it to a name only its writer
//     ever uses.
//   - rewrite: overwrite bytes of a fixed-size file in place, so that no
//     reader's cached size is ever stale (heartbeats, fates, done maps).
//
// The files, in the order a host creates them on Join:
//   - plan (append once): the share layout; a later host checks it is its own.
//   - done/<s> (linked once, fully sized): a byte per job of share s, set to 1
//     by one pwrite when the job is done; synced with every heartbeat.
//   - fate/<inc> (publish): "alive", until an heir rewrites it in place.
//   - beat/<inc> (publish, then rewrite every lease/8): the heartbeat of an
//     incarnation, a process that joined as machine m with a random nonce.
//   - inc/<m>/<n> (append at the first free n): the incarnation's record.
//   - claims/<s>/<n> (append): "claim <inc> <seq> front|back <count>". The
//     claim log of share s is replayed in order by every host: a front claim
//     takes the next count unclaimed jobs from the start of the share (its
//     owner), a back claim from the end (a thief). Winning record n is what
//     makes a claim; the loser reads record n, replays it, tries n+1. A claim
//     takes 1/ChunkDivisor of what is left, so chunks are large while much is
//     left and single jobs at the end.
//   - takeover/<inc> (append once): "takeover <heir> ...". A host that has
//     watched another incarnation's heartbeat stay the same for a lease on its
//     own monotonic clock, or that sees it closed, links this name; the one
//     whose content reads back is the heir. It rewrites the dead one's fate
//     file, then owns every job the dead one claimed (or inherited) that the
//     done maps do not show done, including claims it makes after the
//     takeover. The dead one's unclaimed jobs are stolen first by everyone. A
//     restarted host takes over its own earlier incarnations at once.
//
// A host waits in Next while others hold unfinished jobs, since they may
// die; it is done when nothing is unclaimed and the done maps show every
// claimed job of every other incarnation done.
//
// # At least once, in one case
//
// A host paused past its lease (SIGSTOP, a suspended VM, a partition) sees
// that its heartbeat stood still for half a lease or more, reads its fate
// file before it hands out another job, finds it taken over, drops what it
// held and goes on as a new incarnation. The jobs it was running while paused were
// taken over too, and may finish on both hosts: that is the one case in which
// a job runs twice, and so can a job handed out in the instant between that
// read and the heir's rewrite of the fate file. Everything else runs exactly
// once.
package balance
