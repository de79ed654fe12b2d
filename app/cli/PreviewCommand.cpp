#include "PreviewCommand.h"

#include "CliOptions.h"
#include "CommandUsage.h"
#include "facade/GeneratorService.h"
#include "facade/PreviewService.h"
#include "project/Project.h"
#include "project/ProjectFile.h"
#include "project/ProjectFolder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace dragon::cli {

int preview(const Args &argsIn)
{
    Args args = argsIn;
    const std::string projectPath = takeOption(args, "--project", "");
    PreviewRequest request;
    request.generator = takeOption(args, "--generator", "pocket");
    request.device = takeOption(args, "--device", "auto");
    request.count = toInt(takeOption(args, "--clips", "16"), "--clips");
    request.seed = std::uint64_t(toInt(takeOption(args, "--seed", "1"), "--seed"));
    request.steps = toInt(takeOption(args, "--steps", "20"), "--steps");
    const int shown = toInt(takeOption(args, "--show", "3"), "--show");
    if (projectPath.empty() || !args.empty() || request.count < 2 ||
        request.count > GeneratorService::kMaxClips || request.steps < 2 || shown < 0)
        return usageError("preview");
    const Project project = ProjectFile::load(projectPath);
    PreviewService service;
    PreviewResult result;
    std::string folder;
    service.run(
        project, ProjectFolder::embeddingCache(projectPath, {}),
        ProjectFolder::previewsDir(projectPath), request,
        [](const std::string &stage, int done, int total) {
            if (done == 0 || done == total)
                std::cerr << stage << " " << done << "/" << total << "\n";
        },
        nullptr, result, folder);

    for (const auto &t : result.terms)
        std::printf("term: %s%s%s (%s), weight %.3g; over the batch: mean %.4g, sd %.4g\n",
                    t.label.c_str(), t.setName.empty() ? "" : " · ", t.setName.c_str(),
                    t.unit.c_str(), t.weight, t.scaleMean, t.scaleSd);
    std::printf("%s\n", result.reading.c_str());
    for (const auto &l : result.level)
        std::printf("level %+g dB: reward change mean %+.4g, mean |change| %.4g = %.3f of the "
                    "spread between the clips (%.4g)\n",
                    l.gainDb, l.meanChange, l.meanAbsChange, l.relative(), l.spread);
    if (!result.levelReading.empty())
        std::printf("%s\n", result.levelReading.c_str());
    // The batch ranked as the tab's lists: D+ highest first, D- lowest first.
    std::vector<const PreviewPoint *> ranked;
    for (const auto &p : result.points)
        if (p.generated && std::isfinite(p.reward))
            ranked.push_back(&p);
    std::stable_sort(
        ranked.begin(), ranked.end(),
        [](const PreviewPoint *a, const PreviewPoint *b) { return a->reward > b->reward; });
    const std::size_t n = std::min(ranked.size(), std::size_t(shown));
    for (std::size_t i = 0; i < n; ++i)
        std::printf("D+ %zu  %10.4g  seed %-6llu %s\n", i + 1, ranked[i]->reward,
                    static_cast<unsigned long long>(ranked[i]->seed), ranked[i]->prompt.c_str());
    for (std::size_t i = 0; i < n; ++i) {
        const PreviewPoint *p = ranked[ranked.size() - 1 - i];
        std::printf("D- %zu  %10.4g  seed %-6llu %s\n", i + 1, p->reward,
                    static_cast<unsigned long long>(p->seed), p->prompt.c_str());
    }
    for (const auto &note : result.notes)
        std::printf("note: %s\n", note.c_str());
    std::printf("%zu clips in %.1f s; clips and preview.json in %s\n", result.generatedCount(),
                result.seconds, folder.c_str());
    return 0;
}

} // namespace dragon::cli
