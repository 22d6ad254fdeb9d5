/**
 * Earlier full runs and the experiments behind the explanations, each with
 * its date and the commit it measured: a fixed record, written under every
 * new run's own figures in RESULTS.md so that the spread of the same code
 * on this shared machine can be read beside them.
 */

export const EARLIER_RUNS = `
## Earlier runs (\`npm run bench -- --scale\`, same machine)

The mailparser column is the stage table's first row: the same work in every run, so it says how fast the machine was (lower is faster). Ratios are to Postfix in the same run; CPU is per accepted mail over kept connections, bridge against Postfix.

| run (UTC) | code | kept | new @20 | new @100 | nothing to send yet | CPU per mail | e2e SMS/s | over SMPP | p99 | history | RSS settled / peak | restart | mailparser |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 2026-11-30 10:53 (published) | d46b5c4 | 0.66 × | 0.39 × | 0.62 × | 0.66 × | 1.36 / 0.89 ms | 805 | 642 | 19.0 ms | 0.99 × | 284 / 298 MB | 2.02 s | |
| 2026-11-30 ~15:35 (first of two) | f99b3ab | 0.51 × | 0.40 × | 0.68 × | 0.65 × | 1.50 ms | 1,024 | 701 | 18.3 ms | 0.98 × | 274 / 296 MB | 2.21 s | 0.094 ms |
| 2026-11-30 15:42 (published) | f99b3ab | 0.64 × | 0.38 × | 0.62 × | 0.56 × | 1.27 / 0.89 ms | 892 | 678 | 57.6 ms | 1.05 × | 284 / 303 MB | 2.09 s | 0.110 ms |
| 2026-11-30 18:10 (published) | c2480a1 | 0.63 × | 0.45 × | 0.73 × | 0.66 × | 1.19 / 0.82 ms | 1,069 | 777 | 16.7 ms | 0.96 × | 286 / 292 MB | 1.98 s | 0.079 ms |
| 2026-12-01 00:29 (check) | 2ccac92 | 0.60 × | 0.42 × | 0.70 × | 0.64 × | 1.64 / 1.00 ms | 865 | 622 | 14.4 ms | 1.06 × | 285 / 303 MB | 3.10 s | 0.135 ms |

The p99 of 57.6 ms (over the 50 ms target) came without any event-loop stall of 100 ms or more in the bridge, the load generator or the idle probe; the bridge's own part, from the end of the mail's data to its 250, had a p99 of 16.0 ms in that run. The restart of 3.10 s in the check run of 2026-12-01 came after all the run's other cases: the restart part alone (\`--scale-only --parts queued\`), run at once afterwards, took 2.48 s on dc9e284 and 2.38 s on 2ccac92, back to back, with RSS 302-306 MB settled and 314 MB at the peak for both.
`;

export const EARLIER_FINDINGS = `
## Experiments and profiles (dated)

- **Where the event loop's time goes** (profiles with \`--profile --only alone,accept\`, 2026-11-30): no single hot spot left. With a new connection per mail the largest single item is writing the SMTP replies (one write system call per reply, ~8 % of the loop's samples), then mailparser's header parsing (~6 %); the rest spreads over some fifty functions of 1-3 % each. The cuts those profiles led to on 2026-11-30 (c2480a1), none changing what the bridge does: the audit trail's lines gathered for 50 ms per write instead of one write per pause of the loop (20-60 µs a mail); routing reading a number's country only when a rule asks for one (a second libphonenumber parse per SMS, 2-3 %); mail ids drawing random bytes from a 4 KiB pool (1.5-2 %); a long text not split again for a route with the UDH it was drafted with; signature patterns compiled once, not per mail. Together ~60-110 µs of the ~0.8-0.9 ms the loop then spent per accepted mail.
- **SMTP sessions in acceptor processes, tried and not merged** (branch \`acceptors-experiment\` in this repository, commit a2123a2: the SMTP conversation, the parsing and the conversion to SMS in a child process sharing the listening socket; limits, duplicates and the journal stayed in the bridge's process behind IPC, so 250 still meant durable). In alternating runs of 4,000 mails over 20 kept sessions it accepted 467-619 msg/s against 1,020-1,169 in one process. All processes together spent 1.9-2.1 ms of CPU per mail against 1.4-1.6. Each mail crossed the process boundary seven times (MAIL FROM, RCPT and DATA asked and answered, plus its log events). With ~1.8 of the 2 cores already busy, the second process found no idle core to win back that cost. It might pay on a machine with more cores; that cannot be measured here.
- **The heap's growth room** (src/heap-growth.ts, 2026-11-30): the heap may grow by a fixed 32 MB over what is live after each full collection instead of a flat 20 % (100 % for a heap of 32 MB or less, 45 % with 100,000 SMS queued, never under 20 %). With a flat 20 % a small heap under a burst of mail was collected again after every few megabytes, and the marking competed with the event loop for the two cores. In five quiet paired runs of the latency part the p99 was 20.5, 25.8, 29.4, 42.7 and 56.6 ms with the room, against 47.0, 57.2, 69.1, 157.7 and 158.0 ms with a flat 20 %; the memory target still held.
- **Queued SMS out of memory** (heap snapshots, 2026-11-30): 67.5 MB live with 100,000 queued against 31.4 MB idle; 76.9 MB before a duplicate key became a flat string instead of a V8 slice of its 43-character digest and the due index kept one object per SMS instead of two.
- **Changes that cost no measurable CPU** (2026-11-30, alternating the code before them, 77d379a, and after them, a529d04, on a quiet machine: NOTIFY=DELAY, billing codes, the restore hold, throttling episodes, late answers): three rounds of \`--only e2e,e2e-smpp\` gave user CPU per SMS end to end 1.41, 1.68 and 1.30 ms after against 1.47, 1.25 and 1.22 ms before, over SMPP 1.76, 2.17 and 1.71 against 1.98, 1.79 and 1.84 ms; two pairs of CPU profiles (\`--profile --only e2e\`), taken in opposite order, put the event loop's busy samples 7.5 % above and 6 % below the older code's, and the functions those changes added took ~0.02 ms per SMS together. RSS with 100,000 queued, alternated twice: settled 280 and 281 MB against 279 and 270 MB, peak 296 and 306 MB against 298 and 300 MB.
- **End to end moves with the machine**: the two runs of f99b3ab above, minutes apart, spent 1.42 and 1.67 ms of bridge CPU per SMS end to end (0.27 and 0.30 of it system), while their stage tables put mailparser and the mail → SMS step ~15-30 % dearer in the second too (0.110 and 0.121 ms against 0.094 and 0.094 ms): the machine was slower, not the bridge busier. In the two runs of d46b5c4 (2026-11-30, the second in the table) the figure was 1,035 and 805 SMS/s, the difference then almost all system time for confirmation files after a mass deletion.
`;
