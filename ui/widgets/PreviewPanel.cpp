#include "widgets/PreviewPanel.h"

#include "document/ProjectDocument.h"
#include "playback/PlaybackController.h"
#include "preview/PreviewStore.h"
#include "project/ProjectFolder.h"
#include "widgets/AuditionView.h"
#include "widgets/QCustomPlotInclude.h"
#include "workers/PreviewController.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

constexpr int kBins = 12;
const QColor kGenerations(52, 120, 198), kExemplars(230, 126, 34);
// Exemplar sets on the map, in order; generations are kGenerations.
const QColor kSetColours[] = {QColor(230, 126, 34), QColor(46, 160, 67), QColor(171, 71, 188),
                              QColor(198, 40, 40), QColor(0, 150, 160)};

QCustomPlot *smallPlot(const QString &title)
{
    auto *p = new QCustomPlot;
    p->setMinimumSize(220, 150);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont("sans", 8, QFont::Bold)));
    p->yAxis->setLabel(QObject::tr("clips"));
    return p;
}

QString number(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 4) : QStringLiteral("—");
}

} // namespace

PreviewPanel::PreviewPanel(ProjectDocument *document, PlaybackController *playback, QWidget *parent)
    : QWidget(parent), m_document(document), m_playback(playback),
      m_controller(new PreviewController(this)), m_preview(new QPushButton(tr("Preview"))),
      m_cancel(new QPushButton(tr("Cancel"))), m_count(new QSpinBox), m_seed(new QSpinBox),
      m_progress(new QProgressBar), m_status(new QLabel), m_reading(new QLabel),
      m_histogramArea(new QWidget), m_histogramGrid(new QGridLayout(m_histogramArea)),
      m_map(new QCustomPlot), m_colourBy(new QComboBox), m_audition(new AuditionView(playback))
{
    setObjectName("previewPanel");
    m_preview->setObjectName("previewButton");
    m_preview->setToolTip(tr("Generate a batch with the current model and score it with the "
                             "current reward (Ctrl+P)"));
    m_cancel->setObjectName("previewCancel");
    m_count->setObjectName("previewCount");
    m_count->setRange(2, 64);
    m_count->setValue(16);
    m_count->setPrefix(tr("clips "));
    m_seed->setObjectName("previewSeed");
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_seed->setPrefix(tr("seeds from "));
    m_status->setObjectName("previewStatus");
    m_reading->setObjectName("previewReading");
    m_reading->setWordWrap(true);
    m_reading->setMinimumHeight(m_reading->fontMetrics().lineSpacing() * 2 + 4);
    m_colourBy->setObjectName("previewMapColouring");
    m_colourBy->addItems({tr("Colour by set"), tr("Colour by reward")});
    m_map->setObjectName("previewMap");
    m_map->setMinimumSize(300, 200);
    m_map->xAxis->setLabel(tr("PC 1"));
    m_map->yAxis->setLabel(tr("PC 2"));
    m_map->legend->setVisible(true);
    m_map->legend->setFont(QFont("sans", 7));
    m_mapHint = new QCPItemText(m_map);
    m_mapHint->setObjectName("previewMapHint");
    m_mapHint->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_mapHint->position->setCoords(0.5, 0.5);
    m_mapHint->setText(tr("After a preview: the batch and your exemplars,\nplaced by their "
                          "embeddings (a click plays a clip)"));
    m_mapHint->setColor(Qt::gray);
    m_histogramArea->setObjectName("previewHistograms");
    m_histogramHint = new QLabel(tr("Press Preview (Ctrl+P): a batch is generated with the current "
                                    "model and scored with the reward, and its spread is drawn "
                                    "here beside your exemplars'."));
    m_histogramHint->setObjectName("previewHistogramHint");
    m_histogramHint->setWordWrap(true);
    m_histogramHint->setAlignment(Qt::AlignCenter);
    m_histogramHint->setStyleSheet("color: gray");
    m_histogramGrid->addWidget(m_histogramHint, 0, 0);

    auto *layout = new QVBoxLayout(this);
    auto *controls = new QHBoxLayout;
    controls->addWidget(m_preview);
    controls->addWidget(m_count);
    controls->addWidget(m_seed);
    controls->addWidget(m_cancel);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_status, 2);
    layout->addLayout(controls);
    layout->addWidget(m_reading);

    auto *split = new QSplitter(Qt::Horizontal);
    auto *plots = new QGroupBox(tr("Reward over the batch (blue) and your exemplars (orange)"));
    auto *plotsLayout = new QVBoxLayout(plots);
    plotsLayout->addWidget(m_histogramArea, 1);
    split->addWidget(plots);
    auto *mapBox = new QGroupBox(tr("Embedding map (principal components)"));
    auto *mapLayout = new QVBoxLayout(mapBox);
    mapLayout->addWidget(m_colourBy);
    mapLayout->addWidget(m_map, 1);
    split->addWidget(mapBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(split);
    vertical->addWidget(m_audition);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    layout->addWidget(vertical, 1);

    m_progress->setVisible(false);
    m_cancel->setEnabled(false);
    connect(m_preview, &QPushButton::clicked, this, &PreviewPanel::startPreview);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_controller->cancel();
        m_status->setText(tr("Cancelling…"));
    });
    connect(m_colourBy, &QComboBox::currentIndexChanged, this, &PreviewPanel::rebuildMap);
    connect(m_controller, &PreviewController::progress, this,
            [this](const QString &stage, int done, int total) {
                m_progress->setMaximum(std::max(1, total));
                m_progress->setValue(done);
                m_status->setText(stage == "generating" ? tr("Generating %1 clips: step %2 of %3")
                                                              .arg(m_count->value())
                                                              .arg(done)
                                                              .arg(total)
                                  : stage == "scoring" ? tr("Scoring…")
                                                       : tr("Loading the model…"));
            });
    connect(m_controller, &PreviewController::finished, this,
            [this](const dragon::PreviewResult &result, const QString &folder) {
                setRunning(false);
                showResult(result, folder);
                m_status->setText(tr("Preview of %1 clips in %2 s")
                                      .arg(result.generatedCount())
                                      .arg(result.seconds, 0, 'f', 1));
            });
    connect(m_controller, &PreviewController::cancelled, this, [this] {
        setRunning(false);
        m_status->setText(tr("Preview cancelled"));
    });
    connect(m_controller, &PreviewController::failed, this, [this](const QString &message) {
        setRunning(false);
        m_status->setText(tr("Preview failed"));
        m_reading->setStyleSheet("color: #b00020");
        m_reading->setText(tr("The preview could not run: %1").arg(message));
        Q_EMIT statusMessage(tr("Preview failed: %1").arg(message));
    });
    connect(m_map, &QCustomPlot::mousePress, this, [this](QMouseEvent *event) {
        int dataIndex = -1;
        QCPAbstractPlottable *plottable = m_map->plottableAt(event->position(), false, &dataIndex);
        for (int g = 0; g < m_map->graphCount() && g < m_mapGroups.size(); ++g)
            if (m_map->graph(g) == plottable && dataIndex >= 0 &&
                dataIndex < m_mapGroups[g].points.size())
                selectPoint(m_mapGroups[g].points[dataIndex]);
    });
    connect(m_document, &ProjectDocument::documentReset, this, &PreviewPanel::reloadLatest);
    connect(m_document, &ProjectDocument::filePathChanged, this, &PreviewPanel::reloadLatest);
    reloadLatest();
}

QString PreviewPanel::previewsDirectory() const
{
    const QString project = m_document->filePath();
    if (!project.isEmpty())
        return QString::fromStdString(dragon::ProjectFolder::previewsDir(project.toStdString()));
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + "/previews";
}

QVector<double> PreviewPanel::binCounts(int i, bool exemplars) const
{
    QVector<double> counts;
    for (const auto &bin : exemplars ? m_histograms[i].exemplars : m_histograms[i].generations)
        counts << double(bin.size());
    return counts;
}

void PreviewPanel::setRunning(bool running)
{
    m_preview->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
    if (running)
        m_progress->setValue(0);
}

void PreviewPanel::startPreview()
{
    const auto &project = m_document->project();
    if (project.reward.terms.empty()) {
        m_status->setText(tr("Define a reward on the Reward tab first"));
        return;
    }
    dragon::PreviewRequest request;
    request.generator = m_generator.toStdString();
    request.count = m_count->value();
    request.seed = quint64(m_seed->value());
    const QString cacheDir =
        m_document->filePath().isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + "/embeddings"
            : QString::fromStdString(
                  dragon::ProjectFolder::embeddingCache(m_document->filePath().toStdString(), {}));
    if (!m_controller->start(project, cacheDir, previewsDirectory(), request))
        return;
    m_playback->stop();
    setRunning(true);
    m_reading->setStyleSheet(QString());
    m_status->setText(tr("Starting…"));
}

void PreviewPanel::reloadLatest()
{
    if (m_controller->isBusy())
        return;
    const QString dir = previewsDirectory();
    const std::string latest = dragon::PreviewStore::latest(dir.toStdString());
    if (m_document->filePath().isEmpty() || latest.empty()) {
        showResult({}, QString());
        m_status->setText(tr("No preview yet: press Preview"));
        return;
    }
    try {
        showResult(dragon::PreviewStore::load(latest), QString::fromStdString(latest));
        m_status->setText(tr("Preview of %1 (%2 clips)")
                              .arg(QString::fromStdString(
                                  dragon::ProjectFolder::displayStamp(m_result.createdAt)))
                              .arg(m_result.generatedCount()));
    } catch (const std::exception &error) {
        showResult({}, QString());
        m_status->setText(tr("The last preview could not be read"));
        Q_EMIT statusMessage(QString::fromStdString(error.what()));
    }
}

void PreviewPanel::showResult(const dragon::PreviewResult &result, const QString &folder)
{
    m_result = result;
    m_folder = folder;
    m_selected = -1;
    m_reading->setStyleSheet(QString());
    QString reading = QString::fromStdString(result.reading);
    if (!result.levelReading.empty())
        reading += "\n" + QString::fromStdString(result.levelReading);
    if (!result.notes.empty()) {
        QStringList notes;
        for (const auto &n : result.notes)
            notes << QString::fromStdString(n);
        reading += "\n" + tr("Notes: %1").arg(notes.join("; "));
    }
    m_reading->setText(reading);
    rebuildHistograms();
    rebuildMap();
    rebuildAudition();
    if (!result.points.empty())
        Q_EMIT previewShown(result);
}

void PreviewPanel::rebuildHistograms()
{
    for (auto &h : m_histograms)
        delete h.plot;
    m_histograms.clear();
    const auto &r = m_result;
    const int plots = int(r.terms.size()) + (r.combined() ? 1 : 0);
    m_histogramHint->setVisible(plots == 0 || r.points.empty());
    for (int k = 0; k < plots && !r.points.empty(); ++k) {
        const bool isCombined = k == int(r.terms.size());
        Histogram h;
        QString title = isCombined ? tr("Combined reward (standardised, higher is better)")
                                   : QString::fromStdString(r.terms[std::size_t(k)].label);
        if (!isCombined && !r.terms[std::size_t(k)].setName.empty())
            title += tr(" · %1%2")
                         .arg(r.terms[std::size_t(k)].away ? tr("away from ") : QString())
                         .arg(QString::fromStdString(r.terms[std::size_t(k)].setName));
        h.plot = smallPlot(title);
        h.plot->setObjectName(QString("histogram%1").arg(k));
        h.plot->xAxis->setLabel(isCombined ? tr("reward")
                                           : QString::fromStdString(r.terms[std::size_t(k)].unit));
        const auto valueOf = [&](const dragon::PreviewPoint &p) {
            return isCombined ? p.reward : p.terms[std::size_t(k)];
        };
        double lo = INFINITY, hi = -INFINITY;
        for (const auto &p : r.points)
            if (std::isfinite(valueOf(p))) {
                lo = std::min(lo, valueOf(p));
                hi = std::max(hi, valueOf(p));
            }
        if (!std::isfinite(lo)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-12 * (1 + std::abs(lo))) { // no spread: one bin around the value
            lo -= 0.5;
            hi += 0.5;
        }
        const double width = (hi - lo) / kBins;
        for (int b = 0; b <= kBins; ++b)
            h.edges << lo + b * width;
        h.generations.resize(kBins);
        h.exemplars.resize(kBins);
        for (int i = 0; i < int(r.points.size()); ++i) {
            const double v = valueOf(r.points[std::size_t(i)]);
            if (!std::isfinite(v))
                continue;
            const int bin = std::clamp(int((v - lo) / width), 0, kBins - 1);
            (r.points[std::size_t(i)].generated ? h.generations : h.exemplars)[bin] << i;
        }
        QVector<double> centres, generated, exemplar;
        bool anyExemplar = false;
        for (int b = 0; b < kBins; ++b) {
            centres << lo + (b + 0.5) * width;
            generated << double(h.generations[b].size());
            exemplar << double(h.exemplars[b].size());
            anyExemplar |= !h.exemplars[b].isEmpty();
        }
        auto *genBars = new QCPBars(h.plot->xAxis, h.plot->yAxis);
        genBars->setName(tr("generations"));
        genBars->setWidth(anyExemplar ? width * 0.45 : width * 0.9);
        genBars->setBrush(kGenerations);
        genBars->setPen(QPen(kGenerations.darker(130)));
        QVector<double> genKeys = centres;
        if (anyExemplar)
            for (double &c : genKeys)
                c -= width * 0.225;
        genBars->setData(genKeys, generated, true);
        double top = *std::max_element(generated.begin(), generated.end());
        if (anyExemplar) {
            auto *exBars = new QCPBars(h.plot->xAxis, h.plot->yAxis);
            exBars->setName(tr("exemplars"));
            exBars->setWidth(width * 0.45);
            exBars->setBrush(kExemplars);
            exBars->setPen(QPen(kExemplars.darker(130)));
            QVector<double> exKeys = centres;
            for (double &c : exKeys)
                c += width * 0.225;
            exBars->setData(exKeys, exemplar, true);
            top = std::max(top, *std::max_element(exemplar.begin(), exemplar.end()));
        }
        h.plot->xAxis->setRange(lo - width * 0.1, hi + width * 0.1);
        h.plot->yAxis->setRange(0, std::max(1.0, top * 1.15));
        const int index = int(m_histograms.size());
        // A press on a bar (plottableAt, not plottableClick: this QCustomPlot build emits no
        // click signal without selection interactions).
        QCustomPlot *plot = h.plot;
        connect(plot, &QCustomPlot::mousePress, this, [this, index, plot](QMouseEvent *event) {
            int dataIndex = -1;
            if (QCPAbstractPlottable *bars =
                    plot->plottableAt(event->position(), false, &dataIndex))
                onBarClicked(index, bars->name() == tr("exemplars"), dataIndex);
        });
        m_histograms << h;
        const int columns = plots > 2 ? 2 : plots;
        m_histogramGrid->addWidget(h.plot, k / columns, k % columns);
        h.plot->replot();
    }
}

void PreviewPanel::onBarClicked(int histogram, bool exemplars, int bin)
{
    Histogram &h = m_histograms[histogram];
    const auto &points = exemplars ? h.exemplars : h.generations;
    if (bin < 0 || bin >= points.size() || points[bin].isEmpty())
        return;
    // Clicking the same bar again steps through the clips in it.
    const int current = int(points[bin].indexOf(m_selected));
    const int next = current < 0 ? 0 : (current + 1) % int(points[bin].size());
    selectPoint(points[bin][next]);
}

void PreviewPanel::rebuildMap()
{
    m_map->clearGraphs();
    m_mapGroups.clear();
    const auto &r = m_result;
    // Groups: by set (generations, then each set) or by reward (five bands of generations,
    // exemplars by set in grey shades).
    QVector<QString> names;
    QVector<QColor> colours;
    QVector<QVector<int>> members;
    const auto groupOf = [&](const QString &name, const QColor &colour) {
        const int at = int(names.indexOf(name));
        if (at >= 0)
            return at;
        names << name;
        colours << colour;
        members << QVector<int>();
        return int(names.size() - 1);
    };
    const bool byReward = m_colourBy->currentIndex() == 1;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto &p : r.points)
        if (p.generated && std::isfinite(p.reward)) {
            lo = std::min(lo, p.reward);
            hi = std::max(hi, p.reward);
        }
    QStringList sets;
    for (int i = 0; i < int(r.points.size()); ++i) {
        const auto &p = r.points[std::size_t(i)];
        if (!p.mapped)
            continue;
        int g = 0;
        if (p.generated && byReward && std::isfinite(p.reward) && hi > lo) {
            const int band = std::clamp(int(5 * (p.reward - lo) / (hi - lo)), 0, 4);
            const double t = band / 4.0;
            g = groupOf(tr("generations, reward band %1 of 5").arg(band + 1),
                        QColor::fromRgbF(float(0.15 + 0.8 * t), float(0.3 + 0.3 * t),
                                         float(0.9 - 0.75 * t)));
        } else if (p.generated) {
            g = groupOf(tr("generations"), kGenerations);
        } else {
            const QString set = QString::fromStdString(p.setName);
            if (!sets.contains(set))
                sets << set;
            const int s = int(sets.indexOf(set));
            g = groupOf(tr("set %1").arg(set),
                        byReward
                            ? QColor(120 + 30 * (s % 4), 120 + 30 * (s % 4), 120 + 30 * (s % 4))
                            : kSetColours[s % 5]);
        }
        members[g] << i;
    }
    for (int g = 0; g < names.size(); ++g) {
        // QCPGraph keeps its data sorted by key: sort the members so data index = member.
        auto &m = members[g];
        std::sort(m.begin(), m.end(), [&r](int a, int b) {
            return r.points[std::size_t(a)].mapX < r.points[std::size_t(b)].mapX;
        });
        QVector<double> x, y;
        for (int i : m) {
            x << r.points[std::size_t(i)].mapX;
            y << r.points[std::size_t(i)].mapY;
        }
        QCPGraph *graph = m_map->addGraph();
        graph->setName(names[g]);
        graph->setLineStyle(QCPGraph::lsNone);
        const bool exemplar = !r.points[std::size_t(m.front())].generated;
        graph->setScatterStyle(
            QCPScatterStyle(exemplar ? QCPScatterStyle::ssDiamond : QCPScatterStyle::ssDisc,
                            colours[g], colours[g], 8));
        graph->setData(x, y, true);
        m_mapGroups << MapGroup{m};
    }
    m_mapHint->setVisible(names.isEmpty());
    if (names.isEmpty()) {
        m_map->legend->setVisible(false);
        m_map->xAxis->setRange(-1, 1);
        m_map->yAxis->setRange(-1, 1);
    } else {
        m_map->legend->setVisible(true);
        m_map->rescaleAxes();
        m_map->xAxis->scaleRange(1.15, m_map->xAxis->range().center());
        m_map->yAxis->scaleRange(1.3, m_map->yAxis->range().center());
        m_map->xAxis->setLabel(
            tr("PC 1 (%1 % of variance)").arg(r.mapExplained[0] * 100, 0, 'f', 0));
        m_map->yAxis->setLabel(
            tr("PC 2 (%1 % of variance)").arg(r.mapExplained[1] * 100, 0, 'f', 0));
    }
    m_map->replot();
}

void PreviewPanel::rebuildAudition()
{
    const auto &r = m_result;
    std::vector<int> generated;
    for (int i = 0; i < int(r.points.size()); ++i)
        if (r.points[std::size_t(i)].generated && std::isfinite(r.points[std::size_t(i)].reward))
            generated.push_back(i);
    const auto reward = [&r](int i) { return r.points[std::size_t(i)].reward; };
    std::sort(generated.begin(), generated.end(),
              [&](int a, int b) { return reward(a) > reward(b); });
    bool perInstance = true;
    for (const auto &t : r.terms)
        perInstance &= t.kind != "distribution-to-distribution";
    // Per-instance rewards pair the best and worst seed of each prompt that has several;
    // otherwise (or when every prompt has one clip) rank i pairs with rank n-1-i.
    QMap<QString, std::vector<int>> byPrompt;
    for (int i : generated)
        byPrompt[QString::fromStdString(r.points[std::size_t(i)].prompt)].push_back(i);
    std::vector<std::pair<int, int>> pairs;
    bool repeated = false;
    for (const auto &clips : byPrompt)
        repeated |= clips.size() >= 2;
    if (perInstance && repeated) {
        for (const auto &clips : byPrompt)
            if (clips.size() >= 2)
                pairs.emplace_back(clips.front(), clips.back()); // sorted best first
        std::sort(pairs.begin(), pairs.end(),
                  [&](const auto &a, const auto &b) { return reward(a.first) > reward(b.first); });
    } else {
        for (std::size_t k = 0; k < generated.size() / 2; ++k)
            pairs.emplace_back(generated[k], generated[generated.size() - 1 - k]);
    }
    QVector<AuditionEntry> positives, negatives;
    for (const auto &[best, worst] : pairs) {
        for (int i : {best, worst}) {
            const auto &p = r.points[std::size_t(i)];
            AuditionEntry e{QString::fromStdString(p.path), QString::fromStdString(p.prompt),
                            p.seed, p.reward, describe(i)};
            (i == best ? positives : negatives) << e;
        }
    }
    m_audition->setEntries(positives, negatives);
}

QString PreviewPanel::describe(int index) const
{
    const auto &p = m_result.points[std::size_t(index)];
    QStringList parts;
    for (std::size_t k = 0; k < m_result.terms.size() && k < p.terms.size(); ++k)
        parts << tr("%1: %2").arg(QString::fromStdString(m_result.terms[k].label),
                                  number(p.terms[k]));
    return parts.join(" · ");
}

void PreviewPanel::selectPoint(int index, bool play)
{
    if (index < 0 || index >= int(m_result.points.size()))
        return;
    m_selected = index;
    const auto &p = m_result.points[std::size_t(index)];
    const QString path = QString::fromStdString(p.path);
    if (!p.generated || !m_audition->select(path)) {
        const QString what = p.generated
                                 ? tr("Generation · seed %1 · “%2”")
                                       .arg(p.seed)
                                       .arg(QString::fromStdString(p.prompt).toHtmlEscaped())
                                 : tr("Exemplar of set %1 · %2")
                                       .arg(QString::fromStdString(p.setName).toHtmlEscaped(),
                                            QString::fromStdString(p.label).toHtmlEscaped());
        m_audition->showClip(path,
                             tr("<b>%1</b> · reward %2<br>%3")
                                 .arg(what, number(p.reward), describe(index).toHtmlEscaped()));
    }
    m_audition->focusKeys(); // Space stops it, A/Tab switches to its pair
    if (play && !path.isEmpty())
        m_playback->playFrom(path, 0.0);
    else if (path.isEmpty())
        m_status->setText(tr("A text exemplar has no audio to play"));
}
