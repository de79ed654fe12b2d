#include "CommandUsage.h"

#include <iostream>
#include <map>

namespace dragon::cli {

namespace {

const std::map<std::string, const char *> &table()
{
    static const std::map<std::string, const char *> usage = {
        {"bench", "usage: dragon bench NAME [options]   (the same as dragon bench-NAME)\n"
                  "NAME: rewards, round, generate, encoders, metrics, decode, playback;\n"
                  "dragon bench NAME --help prints its options.\n"},
        {"bench-decode", "usage: dragon bench-decode FILE [--rate HZ] [--repeat N]\n"},
        {"bench-encoders",
         "usage: dragon bench-encoders [--clips N]   (6 s corpus clips per encoder)\n"},
        {"bench-generate",
         "usage: dragon bench-generate [--batch 16] [--steps 20] [--guidance 3] [--checkpoint F]\n"
         "                             [--threads T]\n"
         "Times sampling and decoding of a batch; model FLOP utilisation (the FLOPs executed)\n"
         "against this machine's fp32 matmul peak, measured on the same T cores (default: all,\n"
         "or all but one on more than two).\n"},
        {"bench-metrics",
         "usage: dragon bench-metrics --out DIR [--repeat N]\n"
         "Times FAD (N=2000, D=128 and 512), Vendi (n=1000, D=512) and leave-one-out FAD\n"
         "(n=64, D=128) and writes the inputs and results to DIR for metrics_bench.py.\n"},
        {"bench-playback", "usage: dragon bench-playback [--runs N]\n"
                           "Median time from play() to the first sample at the audio device over N "
                           "runs (default 20).\n"},
        {"bench-round",
         "usage: dragon bench-round --out DIR [--repeat N] [--threads T] [--anchor W]\n"
         "                          [--profile TRACE.json]\n"
         "One DRAGON round (8 prompts x 2 seeds, 10 demonstration steps, per-song FAD under\n"
         "pocket-clap against 16 corpus clips, DPO, default passes, pretraining anchor W\n"
         "(default 30; tests/bench/dragon_round.py runs the same round with and without)),\n"
         "N times, on T cores (default 2); median seconds per phase. Writes DIR/round.json\n"
         "for tests/bench/dragon_round.py.\n"
         "--profile: libtorch's profiler over the rounds, a chrome trace (sum it per operator\n"
         "with tests/bench/profile_summary.py); slower, so time without it.\n"},
        {"bench-rewards",
         "usage: dragon bench rewards --out DIR [--rounds 40] [--eval-prompts 32] [--eval-seeds "
         "8]\n"
         "                            [--train-prompts 64] [--clips 24] [--seed 1 | --seeds 1-3]\n"
         "                            [--threads T]\n"
         "                            [--only TEXT] [--half tuned|held-out|extra]\n"
         "                            [--loss dpo|kto] [--beta B] [--lr LR] [--anchor-weight W]\n"
         "                            [--prompts-per-round N] [--seeds-per-prompt N]\n"
         "                            [--ema-decay D]\n"
         "                            [--validation-prompts 16] [--set-validation-prompts 16]\n"
         "                            [--validate-every 10] [--validation-guard-margin 0.1]\n"
         "The reward suite: 20 rewards (loudness, CLAP, exemplar similarity, per-song FAD over\n"
         "2 encoders x 2 soundtracks, dataset FAD, KID, FAD-inf, Vendi), each fine-tuned from the\n"
         "shipped pocket model for --rounds rounds with the settings suggested for its kind and\n"
         "evaluated on held-out prompts; FAD-trained policies also under the other FAD of their\n"
         "cell. Needs Debian's drascula-music and asc-music (tests/bench/reward_suite.sh installs\n"
         "them). Resumable: finished rewards are skipped. Writes DIR/table.md and DIR/table.csv.\n"
         "--only: just the rewards whose name contains TEXT (a full name: that one alone); the\n"
         "table still lists every reward the folder has finished, so calls build up one table.\n"
         "--half: just that half (the tuned half is the one settings may be chosen on);\n"
         "extra: instead of the 20, 4 exemplar-similarity rewards outside them, for choosing\n"
         "that kind's settings (the tuned half has none).\n"
         "--loss ... --ema-decay override the per-kind suggestion for every reward run\n"
         "(a settings sweep; one folder per choice).\n"
         "--validation-prompts, --validate-every: every N rounds each run is evaluated on other\n"
         "held-out prompts, and the checkpoint with the best validation win rate (guardrails\n"
         "held) is the one tested; 0 tests the final policy. 48 was tried for the instance\n"
         "rewards and tested no better than 16 (tests/bench/SUITE.md).\n"
         "--set-validation-prompts N: the validation prompts of distribution-to-distribution\n"
         "rewards (dataset FAD, KID, FAD-inf, Vendi; the list begins with the others'); 48\n"
         "was tried and tested no better than 16 (tests/bench/SUITE.md).\n"
         "--validation-guard-margin M: validation counts a guardrail as held only M above its\n"
         "floor (default 0.1: Vendi 90 %, CLAP 85 % of the base's; 0: the floors themselves;\n"
         "below 0.2); the table's flags keep the plain floors; where no checkpoint held, the\n"
         "least fallen is tested. A folder begun with another margin (0.05 was the default\n"
         "until 2026-12-06, 0 before) resumes with that margin given.\n"
         "--seeds: a full suite per run seed (a range 1-3 or a list 1,2,5) in DIR/seed-N, then\n"
         "DIR/seeds.md and seeds.csv: each reward's win rate per seed, mean, range and sd, and\n"
         "the average win rate per seed with its mean and sd over the seeds.\n"},
        {"compare",
         "usage: dragon compare RUN [--model newest|best|FILE] [--prompt TEXT] [--seed S]\n"
         "         [--seeds K] [--prompts N] [--steps N] [--device auto|cpu|cuda[:N]] [--threads "
         "T]\n"
         "         [--list]\n"
         "Generates the same prompts and seeds with the run's base model and a fine-tuned model\n"
         "(newest: the newest round checkpoint; best: best-policy.pt, the best evaluation whose\n"
         "guardrails held; FILE: a checkpoint or a model file), scores both with the run's reward\n"
         "and counts the wins, per pair, per prompt, and per third of the prompts ranked by the\n"
         "base's reward (where the wins are). Without --prompt: the run's eval prompts and seeds\n"
         "(--prompts N: the first N; --seeds K: K seeds each). --list prints the run's models.\n"
         "Clips and compare.json go to RUN/compare/STAMP.\n"},
        {"convert", "usage: dragon convert IN OUT [--rate HZ] [--mono]\n"},
        {"demo-project", "usage: dragon demo-project DIR\n"},
        {"embed", "usage: dragon embed --encoder E [--csv FILE] [--cache DIR] FILE|FOLDER|LIST...\n"
                  "Prints frames x dimension per file; --csv writes the clip embeddings.\n"},
        {"evaluate-clap", "usage: dragon evaluate-clap --checkpoint FILE [--pairs N (>= 5)] "
                          "[--per-style N] [--json F]\n"},
        {"evaluate-pocket",
         "usage: dragon evaluate-pocket [--captions 200] [--train-per-style 80] [--steps 20] "
         "[--guidance 3] [--spectrograms DIR] [--json FILE] [--checkpoint F]\n"},
        {"generate",
         "usage: dragon generate --out DIR [--prompt TEXT] [--seed S] [--steps N] [--guidance G]\n"
         "         [--count N (1-64)] [--generator pocket|CHECKPOINT.pt|PLUGIN.pt] [--device "
         "auto|cpu|cuda[:N]]\n"
         "Writes STAMP-seedN.wav and a STAMP-seedN.json sidecar (prompt, seed, settings, model) "
         "per clip.\n"},
        {"info", "usage: dragon info FILE...\n"},
        {"loudness", "usage: dragon loudness [--integrated] FILE...\n"
                     "EBU R128 integrated loudness, loudness range and true peak of each file "
                     "(exit 1 if any is unreadable); --integrated: the integrated loudness alone "
                     "(faster: no 4x oversampled true peak).\n"},
        {"make-fixtures", "usage: dragon make-fixtures DIR\n"},
        {"pretrain", "usage: dragon pretrain --out DIR [--steps N] [--batch B] [--lr LR] "
                     "[--checkpoint-every K] [--seed S] [--threads T]\n"
                     "(resumes when DIR/train-state.pt exists)\n"},
        {"render-corpus",
         "usage: dragon render-corpus --out DIR [--count N] [--first-seed S] [--style NAME]\n"
         "styles: ambient lo-fi techno chiptune folk cinematic jazz house\n"},
        {"gain-sensitivity",
         "usage: dragon gain-sensitivity --encoder E [--ref REF] [--gains -12,-6,6] EVAL\n"
         "Does the encoder see loudness or content? Each clip of EVAL (a folder, a .txt list or\n"
         "a file) is scaled by each gain in dB (no clipping) and embedded again: the cosine of "
         "its\n"
         "clip embedding to its own at 0 dB against the cosine between different clips, how many\n"
         "clips stay nearest to themselves, and with REF the change of their per-song FAD against\n"
         "REF in units of its spread over the clips at 0 dB.\n"},
        {"preview",
         "usage: dragon preview --project P.dragon [--clips 16 (2-64)] [--seed 1] [--steps 20]\n"
         "         [--generator pocket|FILE.pt] [--device auto|cpu|cuda[:N]] [--show 3]\n"
         "The Preview tab without the window: --clips clips from the current model (seeds\n"
         "--seed, --seed + 1, ...; prompts from the project's train list in turn) scored with\n"
         "the project's reward; prints each term's spread over the batch, the reading (AUC of\n"
         "your exemplars against the batch), the level check (each clip 6 dB down and up) and\n"
         "the --show highest and lowest clips. Clips and preview.json go to the project's\n"
         "previews folder, where the Preview tab shows the newest.\n"},
        {"score",
         "usage: dragon score {fad,per-song,fad-inf,kid,vendi,clap} --encoder E [REF] EVAL\n"
         "         [--csv FILE] [--cache DIR] [--q ORDER] [--prompt TEXT] [--steps N] [--min-n N]\n"
         "REF and EVAL: a folder (searched recursively), a .txt list of files, or one file.\n"
         "vendi and clap take EVAL only; clap reads each clip's prompt from its JSON sidecar\n"
         "(as written by dragon generate) or --prompt. Exit 3: done, but files were skipped.\n"},
        {"train",
         "usage: dragon train (--project P.dragon | --config C.json) [--out RUN] [--rounds N]\n"
         "         [--loss dpo|kto] [--beta B] [--lr LR] [--anchor-weight W] [--eval-every N]\n"
         "         [--ema-decay D] [--seed S] [--threads T] [--generator pocket|BASE.pt]\n"
         "         [--device auto|cpu|cuda[:N]]\n"
         "         [--world-size N --rank R --master HOST:PORT]\n"
         "       dragon train --resume --out RUN   (continues the run in RUN)\n"
         "Settings left unset come from the project, then from the suggestion for the reward's\n"
         "kind. The run folder gets config.json, metrics.jsonl/.csv, eval.jsonl, audition/, "
         "checkpoints/.\n"
         "--ema-decay D (0 <= D < 1): the run also keeps an exponential moving average of the\n"
         "weights and evaluates and ships that (policy.pt, best-policy.pt); 0, the default: "
         "off.\n"},
        {"train-clap",
         "usage: dragon train-clap --out DIR [--steps N] [--batch B (>= 2)] [--pool CLIPS] "
         "[--lr LR] [--checkpoint-every K] [--seed S] [--threads T]\n"
         "(resumes when DIR/train-state.pt exists)\n"},
        {"verify",
         "usage: dragon verify FILE... [--write-sidecar]\n"
         "Checks pocket-model and pocket-CLAP checkpoints, policy.pt, run checkpoints and\n"
         "TorchScript encoder plug-ins against their checksums. Exit 1 if any is damaged or "
         "unreadable.\n"},
    };
    return usage;
}

} // namespace

const char *usageOf(const std::string &command)
{
    const auto it = table().find(command);
    return it == table().end() ? nullptr : it->second;
}

std::vector<std::string> commandsWithUsage()
{
    std::vector<std::string> names;
    for (const auto &entry : table())
        names.push_back(entry.first);
    return names;
}

int usageError(const std::string &command)
{
    const char *text = usageOf(command);
    std::cerr << (text ? text : "usage: see dragon --help\n");
    return 2;
}

} // namespace dragon::cli
