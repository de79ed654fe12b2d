#include "ScoreCommands.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "audio/AudioFileReader.h"
#include "audio/AudioFileTypes.h"
#include "encoders/EmbeddingCache.h"
#include "encoders/EncoderFactory.h"
#include "metrics/FrechetDistance.h"
#include "metrics/KernelInceptionDistance.h"
#include "metrics/VendiScore.h"
#include "rewards/ClapScoreReward.h"
#include "rewards/EmbeddingMatrix.h"
#include "rewards/GainSensitivity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace dragon::cli {
namespace fs = std::filesystem;

namespace {

constexpr int kExitSkipped = 3; // finished, but some inputs could not be read

// A folder (audio files inside, recursively, sorted), a text file listing one path per line
// (relative to the list), or one audio file.
std::vector<std::string> collectAudio(const std::string &source)
{
    std::vector<std::string> files;
    if (fs::is_directory(source)) {
        for (const auto &entry : fs::recursive_directory_iterator(
                 source, fs::directory_options::follow_directory_symlink))
            if (entry.is_regular_file() && hasAudioExtension(entry.path().string()))
                files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());
        return files;
    }
    if (!fs::exists(source))
        throw std::runtime_error(source + ": no such file or folder");
    const std::string ext = fs::path(source).extension().string();
    if (ext == ".txt" || ext == ".lst" || ext == ".list") {
        std::ifstream in(source);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#')
                continue;
            fs::path p(line);
            files.push_back((p.is_absolute() ? p : fs::path(source).parent_path() / p).string());
        }
        return files;
    }
    return {source};
}

struct EmbeddedSet
{
    std::vector<std::string> files;
    std::vector<Embedding> embeddings;
    int skipped = 0;
    double seconds = 0, audioSeconds = 0;
};

EmbeddedSet embedAll(const std::string &source, Encoder &encoder, EmbeddingCache *cache)
{
    EmbeddedSet set;
    const auto started = std::chrono::steady_clock::now();
    const auto files = collectAudio(source);
    if (files.empty())
        throw std::runtime_error(source + ": no audio files found");
    for (const auto &file : files) {
        try {
            Embedding e;
            if (cache) {
                e = cache->embedFile(encoder, file);
            } else {
                AudioReadOptions options;
                options.targetSampleRate = encoder.sampleRate();
                const AudioBuffer audio = AudioFileReader::read(file, options);
                set.audioSeconds += audio.durationSeconds();
                e = encoder.embed(audio);
            }
            set.files.push_back(file);
            set.embeddings.push_back(std::move(e));
        } catch (const std::exception &e) {
            std::cerr << "skipped: " << e.what() << "\n";
            ++set.skipped;
        }
    }
    set.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return set;
}

std::string promptFor(const std::string &file, const std::string &fallback)
{
    // `dragon generate` writes a JSON sidecar beside each clip with its prompt.
    for (const fs::path &sidecar :
         {fs::path(file).replace_extension(".json"), fs::path(file + ".json")}) {
        std::ifstream in(sidecar);
        if (!in)
            continue;
        try {
            const auto j = nlohmann::json::parse(in);
            if (j.contains("prompt") && j["prompt"].is_string())
                return j["prompt"];
        } catch (const std::exception &) {
        }
    }
    return fallback;
}

// The closing line on stderr ("WHAT<seconds> s; N skipped (see above)") and the exit code: 0, or
// kExitSkipped when files were skipped.
int finish(const std::string &what, std::chrono::steady_clock::time_point started, int skipped)
{
    std::cerr << what << std::fixed << std::setprecision(2)
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
              << " s";
    if (skipped)
        std::cerr << "; " << skipped << " skipped (see above)";
    std::cerr << "\n";
    return skipped > 0 ? kExitSkipped : 0;
}

} // namespace

int embed(const Args &input)
{
    Args args = input;
    const std::string spec = takeOption(args, "--encoder", "");
    const std::string csv = takeOption(args, "--csv", "");
    const std::string cacheDir = takeOption(args, "--cache", "");
    if (spec.empty() || args.empty()) {
        return usageError("embed");
    }
    auto encoder = createEncoder(spec);
    std::unique_ptr<EmbeddingCache> cache =
        cacheDir.empty() ? nullptr : std::make_unique<EmbeddingCache>(cacheDir);
    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        if (!out)
            throw std::runtime_error(csv + ": cannot write");
        out << "file";
        const auto names = encoder->dimensionNames();
        for (int d = 0; d < encoder->dimension(); ++d)
            out << "," << (names.empty() ? "d" + std::to_string(d) : names[std::size_t(d)]);
        out << "\n";
    }
    int skipped = 0;
    double seconds = 0, audioSeconds = 0;
    for (const auto &source : args) {
        const EmbeddedSet set = embedAll(source, *encoder, cache.get());
        skipped += set.skipped;
        seconds += set.seconds;
        audioSeconds += set.audioSeconds;
        for (std::size_t i = 0; i < set.files.size(); ++i) {
            const auto &e = set.embeddings[i];
            std::cout << set.files[i] << "\t" << e.frames << " x " << e.dimension << "\n";
            if (out) {
                out << set.files[i];
                for (float v : e.clip)
                    out << "," << std::setprecision(9) << v;
                out << "\n";
            }
        }
    }
    std::cerr << encoder->displayName() << " [" << encoder->id() << "]: " << std::fixed
              << std::setprecision(2) << seconds << " s";
    if (audioSeconds > 0)
        std::cerr << ", " << std::setprecision(0) << audioSeconds / seconds << "x real time";
    std::cerr << "\n";
    return skipped > 0 ? kExitSkipped : 0;
}

int score(const Args &input)
{
    if (input.empty()) {
        return usageError("score");
    }
    Args args(input.begin() + 1, input.end());
    const std::string &metric = input.front();
    const std::string spec = takeOption(args, "--encoder", "");
    const std::string csv = takeOption(args, "--csv", "");
    const std::string cacheDir = takeOption(args, "--cache", "");
    const double q = toDouble(takeOption(args, "--q", "1"), "--q");
    const std::string prompt = takeOption(args, "--prompt", "");
    const int steps = toInt(takeOption(args, "--steps", "25"), "--steps");
    const int minN = toInt(takeOption(args, "--min-n", "500"), "--min-n");
    const bool evalOnly = metric == "vendi" || metric == "clap";
    const std::vector<std::string> known = {"fad", "per-song", "fad-inf", "kid", "vendi", "clap"};
    if (spec.empty() || std::find(known.begin(), known.end(), metric) == known.end() ||
        args.size() != (evalOnly ? 1u : 2u) || !(q > 0) || steps < 2 || minN < 2) {
        return usageError("score");
    }
    auto encoder = std::shared_ptr<Encoder>(createEncoder(spec));
    std::unique_ptr<ClapScoreReward> clap; // made first: it refuses encoders without a text tower
    if (metric == "clap")
        clap = std::make_unique<ClapScoreReward>(encoder);
    std::unique_ptr<EmbeddingCache> cache =
        cacheDir.empty() ? nullptr : std::make_unique<EmbeddingCache>(cacheDir);
    const auto started = std::chrono::steady_clock::now();
    EmbeddedSet reference;
    if (!evalOnly)
        reference = embedAll(args[0], *encoder, cache.get());
    const EmbeddedSet evaluated = embedAll(args.back(), *encoder, cache.get());
    const int skipped = reference.skipped + evaluated.skipped;
    if (evaluated.embeddings.empty() || (!evalOnly && reference.embeddings.empty()))
        throw std::runtime_error("nothing left to score after skipping unreadable files");

    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        if (!out)
            throw std::runtime_error(csv + ": cannot write");
    }
    std::cout << std::setprecision(8);
    if (metric == "per-song" || metric == "clap") {
        std::vector<double> values;
        if (metric == "per-song") {
            const GaussianStats ref = GaussianStats::fromRows(framesMatrix(reference.embeddings));
            for (const auto &e : evaluated.embeddings)
                values.push_back(frechetDistance(ref, GaussianStats::fromRows(framesMatrix(e))));
        } else {
            RewardBatch batch;
            batch.embeddings = evaluated.embeddings;
            for (const auto &f : evaluated.files) {
                batch.prompts.push_back(promptFor(f, prompt));
                if (batch.prompts.back().empty())
                    throw std::runtime_error(
                        f + ": no prompt (no JSON sidecar with \"prompt\"; pass --prompt)");
            }
            values = clap->scoreEach(batch);
        }
        // Ranked best first: lowest FAD, highest CLAP score.
        std::vector<std::size_t> order(values.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        const bool lowerIsBetter = metric == "per-song";
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return lowerIsBetter ? values[a] < values[b] : values[a] > values[b];
        });
        if (out)
            out << "rank,file," << (lowerIsBetter ? "per_song_fad" : "clap_score") << "\n";
        for (std::size_t r = 0; r < order.size(); ++r) {
            std::cout << r + 1 << "\t" << values[order[r]] << "\t" << evaluated.files[order[r]]
                      << "\n";
            if (out)
                out << r + 1 << ",\"" << evaluated.files[order[r]] << "\"," << std::setprecision(10)
                    << values[order[r]] << "\n";
        }
    } else {
        double value = 0;
        nlohmann::json extra = nlohmann::json::object();
        if (metric == "fad") {
            value = frechetDistance(GaussianStats::fromRows(framesMatrix(reference.embeddings)),
                                    GaussianStats::fromRows(framesMatrix(evaluated.embeddings)));
        } else if (metric == "fad-inf") {
            const auto r =
                fadInf(framesMatrix(evaluated.embeddings),
                       GaussianStats::fromRows(framesMatrix(reference.embeddings)), steps, minN);
            value = r.fadInf;
            extra = {{"slope", r.slope}, {"r2", r.rSquared}};
            std::cout << "slope " << r.slope << "  R^2 " << r.rSquared << "  (" << r.points.size()
                      << " points, n " << r.points.front().first << ".." << r.points.back().first
                      << " frames)\n";
        } else if (metric == "kid") {
            value = kernelInceptionDistance(clipMatrix(evaluated.embeddings),
                                            clipMatrix(reference.embeddings));
        } else {
            value = vendiScore(clipMatrix(evaluated.embeddings), q);
        }
        std::cout << metric << "\t" << value << "\n";
        if (out) {
            out << "metric,value,reference_files,eval_files";
            for (const auto &[k, v] : extra.items())
                out << "," << k;
            out << "\n"
                << metric << "," << std::setprecision(10) << value << "," << reference.files.size()
                << "," << evaluated.files.size();
            for (const auto &[k, v] : extra.items())
                out << "," << v.get<double>();
            out << "\n";
        }
    }
    return finish(encoder->displayName() + ": " + std::to_string(reference.files.size()) +
                      " reference and " + std::to_string(evaluated.files.size()) +
                      " evaluated files in ",
                  started, skipped);
}

int gainSensitivity(const Args &input)
{
    Args args = input;
    const std::string spec = takeOption(args, "--encoder", "");
    const std::string referenceSource = takeOption(args, "--ref", "");
    const std::string gainList = takeOption(args, "--gains", "-12,-6,6");
    std::vector<double> gains;
    std::stringstream list(gainList);
    for (std::string item; std::getline(list, item, ',');)
        gains.push_back(toDouble(item, "--gains"));
    if (spec.empty() || args.size() != 1 || gains.empty()) {
        return usageError("gain-sensitivity");
    }
    for (double g : gains)
        if (!std::isfinite(g) || std::abs(g) > 60)
            throw std::runtime_error("--gains: each gain must be a number of dB within +-60");
    auto encoder = createEncoder(spec);
    const auto started = std::chrono::steady_clock::now();
    EmbeddedSet reference;
    if (!referenceSource.empty())
        reference = embedAll(referenceSource, *encoder, nullptr);
    std::vector<std::string> files;
    std::vector<AudioBuffer> clips;
    int skipped = reference.skipped;
    AudioReadOptions options;
    options.targetSampleRate = encoder->sampleRate();
    for (const auto &file : collectAudio(args.front())) {
        try {
            clips.push_back(AudioFileReader::read(file, options));
            files.push_back(file);
        } catch (const std::exception &e) {
            std::cerr << "skipped: " << e.what() << "\n";
            ++skipped;
        }
    }
    if (clips.empty() || (!referenceSource.empty() && reference.embeddings.empty()))
        throw std::runtime_error("nothing left to measure after skipping unreadable files");
    const GainSensitivityResult r =
        GainSensitivity::measure(*encoder, clips, gains, reference.embeddings);

    std::cout << std::fixed << std::setprecision(3) << encoder->displayName() << ": " << r.clips
              << " clips";
    if (r.hasReference)
        std::cout << "; reference " << reference.files.size() << " clips";
    std::cout << "\n";
    if (r.clips > 1)
        std::cout << "different clips at 0 dB: clip-embedding cosine mean "
                  << r.betweenClipsMeanCosine << ", max " << r.betweenClipsMaxCosine << "\n";
    if (r.hasReference)
        std::cout << std::setprecision(4) << "per-song FAD against the reference at 0 dB: mean "
                  << r.fadMean << ", sd " << r.fadSpread << " over the clips\n";
    std::cout << "gain dB  cosine to itself at 0 dB (mean, min)  nearest to itself";
    if (r.hasReference)
        std::cout << "  per-song FAD change (mean, mean |change|, mean |change| / sd)";
    std::cout << "\n";
    for (const auto &row : r.rows) {
        std::ostringstream line;
        line << std::fixed << std::showpos << std::setprecision(1) << std::setw(7) << row.gainDb
             << std::noshowpos << std::setprecision(3) << "  " << std::setw(6) << row.meanCosine
             << ", " << std::setw(6) << row.minCosine << std::string(27, ' ') << std::setw(4)
             << row.nearestIsItself << " of " << std::left << std::setw(7) << r.clips << std::right;
        if (r.hasReference) {
            line << std::showpos << std::setprecision(4) << std::setw(11) << row.fad.meanChange
                 << std::noshowpos << ", " << row.fad.meanAbsChange << ", ";
            if (std::isfinite(row.fad.relative()))
                line << std::setprecision(3) << row.fad.relative();
            else
                line << "n/a";
        }
        std::cout << line.str() << "\n";
    }
    return finish(encoder->displayName() + ": ", started, skipped);
}

} // namespace dragon::cli
