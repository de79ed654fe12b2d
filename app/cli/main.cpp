// `dragon`: the headless DRAGON Studio engine. Links only dragon_core (no Qt).
#include "BenchCommands.h"
#include "BenchRewardsCommand.h"
#include "CliCommands.h"
#include "CommandUsage.h"
#include "CompareCommand.h"
#include "EncoderCommands.h"
#include "ModelCommands.h"
#include "PreviewCommand.h"
#include "ScoreCommands.h"
#include "TrainCommands.h"
#include "VerifyCommand.h"
#include "facade/BuildInfo.h"

#include <cstring>
#include <exception>
#include <iostream>
#include <map>

namespace {

void usage()
{
    std::cout <<
        R"(usage: dragon COMMAND [ARGS]      (dragon COMMAND --help: that command's options; dragon --version)

Audio:
  info FILE...                         format, rate, channels, duration (exit 1 if any unreadable)
  convert IN OUT [--rate HZ] [--mono]  decode, resample (soxr HQ), write WAV/FLAC by extension
  loudness [--integrated] FILE...      EBU R128 integrated loudness, range, true peak

Pocket model:
  generate --out DIR [--prompt T] [--seed S] [--steps N] [--guidance G] [--count N]
                                       text-to-music: WAVs + a JSON sidecar per clip
  pretrain --out DIR [--steps N] [--batch B] ...   train the pocket model (resumes)
  render-corpus --out DIR [--count N] [--first-seed S] [--style S]   corpus clips + captions
  evaluate-pocket [--spectrograms DIR] [--json F]   text adherence, per-song FAD, diversity
  bench-generate [--batch 16] [--steps 20]   wall time, real-time factor, FLOP utilisation

Encoders and rewards (encoders: pocket-clap, mel-stats, music-features, or a TorchScript .pt):
  embed --encoder E [--csv F] [--cache DIR] PATH...   embeddings of files, folders or lists
  score {fad,per-song,fad-inf,kid,vendi,clap} --encoder E [REF] EVAL [--csv F] [--cache DIR]
                                       fadtk-style scoring; per-song and clap are ranked
  train-clap --out DIR [--steps N] [--batch B] [--pool CLIPS]   train pocket CLAP (resumes)
  evaluate-clap --checkpoint F [--pairs 500]   held-out R@1/R@5 and zero-shot style accuracy
  gain-sensitivity --encoder E [--ref REF] EVAL   do embeddings and per-song FAD follow gain?

DRAGON training:
  train (--project P.dragon | --config C.json) [--out RUN] [--rounds N] [--loss dpo|kto] ...
  train --resume --out RUN             continue a stopped or killed run
  preview --project P.dragon [--clips 16] [--seed 1]   the Preview tab headless: reward
                                       over a batch, its reading, level check, D+ and D-
  compare RUN [--model newest|best|FILE] [--prompt T] [--seeds K] [--prompts N] [--list]
                                       base vs fine-tuned on the same prompts and seeds

Files:
  verify FILE... [--write-sidecar]     check model, checkpoint and plug-in files against their checksums

Projects:
  demo-project DIR                     write the bundled demo project (audio + demo.dragon) to DIR

Benchmarks and fixtures (not run by CI):
  bench-decode FILE [--rate HZ] [--repeat N]  decode + mixdown + resample throughput
  bench-playback [--runs N]            play() -> first sample at the device, median of N
  bench-metrics --out DIR              FAD / Vendi / leave-one-out timings (see tests/bench)
  bench-encoders [--clips N]           encoding throughput of the built-in encoders
  bench-round --out DIR [--repeat N]   one DRAGON round by phase (tests/bench/dragon_round.sh)
  bench rewards --out DIR [--rounds 40]  the 20-reward suite: win rates, FAD table (resumable)
  make-fixtures DIR                    reference clips named rate-channels-bits
)";
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        usage();
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::cout << "dragon " << DRAGON_VERSION << "\n";
        const dragon::BuildInfo info = dragon::BuildInfo::current();
        std::cout << "libtorch " << info.libtorch << (info.cuda ? " (CUDA available)" : " (CPU)")
                  << "\n";
        for (const std::string &line : info.features)
            std::cout << line << "\n";
        return 0;
    }
    const std::map<std::string, int (*)(const dragon::cli::Args &)> commands = {
        {"info", dragon::cli::info},
        {"convert", dragon::cli::convert},
        {"loudness", dragon::cli::loudness},
        {"bench-decode", dragon::cli::benchDecode},
        {"bench-playback", dragon::cli::benchPlayback},
        {"demo-project", dragon::cli::makeDemoProject},
        {"make-fixtures", dragon::cli::makeFixtures},
        {"pretrain", dragon::cli::pretrain},
        {"generate", dragon::cli::generate},
        {"render-corpus", dragon::cli::renderCorpus},
        {"bench-generate", dragon::cli::benchGenerate},
        {"evaluate-pocket", dragon::cli::evaluatePocket},
        {"train-clap", dragon::cli::trainClap},
        {"embed", dragon::cli::embed},
        {"train", dragon::cli::train},
        {"compare", dragon::cli::compare},
        {"preview", dragon::cli::preview},
        {"bench-metrics", dragon::cli::benchMetrics},
        {"bench-encoders", dragon::cli::benchEncoders},
        {"bench-round", dragon::cli::benchRound},
        {"bench-rewards", dragon::cli::benchRewards},
        {"score", dragon::cli::score},
        {"gain-sensitivity", dragon::cli::gainSensitivity},
        {"evaluate-clap", dragon::cli::evaluateClap},
        {"verify", dragon::cli::verify},
    };
    // `dragon bench NAME ...` is `dragon bench-NAME ...`.
    std::string name = argv[1];
    int first = 2;
    if (name == "bench") {
        // Without a NAME, `bench` is a group: its usage (stdout and 0 for --help, else stderr
        // and 2).
        if (argc <= 2 || argv[2][0] == '-') {
            const bool help =
                argc > 2 && (!std::strcmp(argv[2], "--help") || !std::strcmp(argv[2], "-h"));
            (help ? std::cout : std::cerr) << dragon::cli::usageOf("bench");
            return help ? 0 : 2;
        }
        name = std::string("bench-") + argv[2];
        first = 3;
    }
    const auto command = commands.find(name);
    if (command == commands.end()) {
        std::cerr << "dragon: unknown command '" << name << "' (see dragon --help)\n";
        return 2;
    }
    // `dragon CMD --help` (or -h) anywhere after the command: its usage on stdout, exit 0.
    for (int i = first; i < argc; ++i)
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            const char *text = dragon::cli::usageOf(name);
            std::cout << (text ? text : "no usage text for this command: see dragon --help\n");
            return 0;
        }
    try {
        return command->second(dragon::cli::Args(argv + first, argv + argc));
    } catch (const std::exception &e) {
        std::cerr << "dragon " << name << ": " << e.what() << "\n";
        return 1;
    }
}
