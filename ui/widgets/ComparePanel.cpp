#include "widgets/ComparePanel.h"

#include "document/ProjectDocument.h"
#include "dragon/DragonConfig.h"
#include "dragon/RunHistory.h"
#include "facade/CompareService.h"
#include "playback/PlaybackController.h"
#include "preview/CompareStore.h"
#include "preview/WinsByBaseLevel.h"
#include "project/ProjectFolder.h"
#include "widgets/AuditionView.h"
#include "workers/CompareController.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <filesystem>

namespace {

// Whether a model of the combo loads alone (CompareModel::loadsAlone), and its round.
constexpr int kLoadsAloneRole = Qt::UserRole + 1;
constexpr int kRoundRole = Qt::UserRole + 2;

} // namespace

ComparePanel::ComparePanel(ProjectDocument *document, PlaybackController *playback, QWidget *parent)
    : QWidget(parent), m_document(document), m_playback(playback),
      m_controller(new CompareController(this)), m_run(new QComboBox), m_model(new QComboBox),
      m_prompt(new QComboBox), m_seed(new QSpinBox), m_seeds(new QSpinBox),
      m_compare(new QPushButton(tr("Compare"))), m_cancel(new QPushButton(tr("Cancel"))),
      m_generateWith(new QPushButton(tr("Generate with it"))), m_progress(new QProgressBar),
      m_summary(new QLabel), m_status(new QLabel), m_audition(new AuditionView(playback))
{
    m_run->setObjectName("compareRun");
    m_model->setObjectName("compareModel");
    m_prompt->setObjectName("comparePrompt");
    m_summary->setObjectName("compareSummary");
    m_status->setObjectName("compareStatus");
    m_run->setToolTip(tr("A training run of this project"));
    m_model->setToolTip(tr("The fine-tuned model: the newest, the best evaluation so far, or "
                           "any kept round checkpoint"));
    m_prompt->setToolTip(tr("All eval prompts: the run's evaluation prompts and seeds, counting "
                            "the prompts the tuned model wins"));
    m_seed->setRange(0, 1000000000);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("The first seed for a single prompt (both models use the same)"));
    m_seeds->setRange(1, 16);
    m_seeds->setValue(2);
    m_seeds->setToolTip(tr("Seeds per prompt (batch mode: each eval prompt this many times)"));
    m_compare->setToolTip(tr("Generate with the base and the fine-tuned model (Ctrl+Shift+C)"));

    auto *settings = new QGroupBox(tr("Base model against a fine-tuned model"));
    auto *form = new QFormLayout(settings);
    form->addRow(tr("Run"), m_run);
    form->addRow(tr("Fine-tuned model"), m_model);
    form->addRow(tr("Prompt"), m_prompt);
    auto *seeds = new QHBoxLayout;
    seeds->addWidget(new QLabel(tr("First seed")));
    seeds->addWidget(m_seed);
    seeds->addWidget(new QLabel(tr("Seeds per prompt")));
    seeds->addWidget(m_seeds);
    seeds->addStretch();
    form->addRow(seeds);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_compare);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_generateWith);
    buttons->addWidget(m_progress, 1);
    form->addRow(buttons);
    m_status->setWordWrap(true);
    form->addRow(m_status);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Fixed height: the lists below do not jump when the summary changes.
    m_summary->setFixedHeight(m_summary->fontMetrics().lineSpacing() * 3 + 4);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_audition->setTitles(
        tr("<b>Fine-tuned</b> (A/Tab: the base clip of the same prompt and seed)"),
        tr("<b>Base model</b>"), tr("Fine-tuned"), tr("Base"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(settings);
    layout->addWidget(m_summary);
    layout->addWidget(m_audition, 1);
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);

    connect(m_run, &QComboBox::currentIndexChanged, this, &ComparePanel::onRunChanged);
    connect(m_prompt, &QComboBox::currentIndexChanged, this,
            [this](int row) { m_seed->setEnabled(row > 0); });
    connect(m_compare, &QPushButton::clicked, this, &ComparePanel::startCompare);
    m_generateWith->setObjectName("compareGenerateWith");
    connect(m_model, &QComboBox::currentIndexChanged, this, &ComparePanel::updateGenerateWith);
    connect(m_generateWith, &QPushButton::clicked, this, [this] {
        if (m_generateWith->isEnabled())
            Q_EMIT generateWithModel(generatorFileForModel(), chosenPrompt());
    });
    connect(m_cancel, &QPushButton::clicked, m_controller, &CompareController::cancel);
    connect(m_controller, &CompareController::progress, this,
            [this](const QString &stage, int done, int total) {
                m_progress->setRange(0, std::max(1, total));
                m_progress->setValue(done);
                m_progress->setFormat(stage + " %v/%m");
            });
    connect(m_controller, &CompareController::finished, this,
            [this](const dragon::CompareResult &result, const QString &folder) {
                setRunning(false);
                const QString model = QString::fromStdString(result.model);
                showResult(result, folder);
                setStatus(tr("Compared in %1 s.").arg(result.seconds, 0, 'f', 1));
                // The run may have gained checkpoints meanwhile: keep the model chosen.
                const int row = m_model->findData(model);
                if (row >= 0)
                    m_model->setCurrentIndex(row);
            });
    connect(m_controller, &CompareController::cancelled, this, [this] {
        setRunning(false);
        setStatus(tr("Cancelled; nothing was kept."));
    });
    connect(m_controller, &CompareController::failed, this, [this](const QString &message) {
        setRunning(false);
        setStatus(tr("Compare failed: %1").arg(message), true);
    });
    connect(document, &ProjectDocument::documentReset, this, &ComparePanel::refreshRuns);
    connect(document, &ProjectDocument::filePathChanged, this, &ComparePanel::refreshRuns);
    refreshRuns();
}

bool ComparePanel::isBusy() const
{
    return m_controller->isBusy();
}

void ComparePanel::refreshRuns()
{
    const QString previous = m_run->currentData().toString();
    {
        const QSignalBlocker block(m_run);
        m_run->clear();
        if (!m_document->filePath().isEmpty())
            for (const auto &run : dragon::RunHistory::list(
                     dragon::ProjectFolder::runsDir(m_document->filePath().toStdString()))) {
                if (run.roundsDone == 0)
                    continue; // nothing fine-tuned to compare yet
                m_run->addItem(
                    tr("%1 · %2 · %n round(s)", nullptr, run.roundsDone)
                        .arg(QString::fromStdString(dragon::ProjectFolder::displayStamp(run.name)))
                        .arg(QString::fromStdString(run.reward)),
                    QString::fromStdString(run.folder));
            }
        const int row = m_run->findData(previous);
        m_run->setCurrentIndex(row >= 0 ? row : (m_run->count() ? 0 : -1));
    }
    onRunChanged();
}

bool ComparePanel::selectRun(const QString &folder)
{
    const QString wanted = QString::fromStdString(
        std::filesystem::absolute(folder.toStdString()).lexically_normal().string());
    int row = m_run->findData(wanted);
    if (row < 0) {
        refreshRuns();
        row = m_run->findData(wanted);
    }
    if (row < 0)
        return false;
    m_run->setCurrentIndex(row);
    return true;
}

void ComparePanel::onRunChanged()
{
    const QString run = m_run->currentData().toString();
    m_model->clear();
    m_prompt->clear();
    m_result = {};
    m_folder.clear();
    m_audition->clear();
    m_summary->clear();
    updateGenerateWith();
    const bool any = !run.isEmpty();
    m_compare->setEnabled(any && !isBusy());
    if (!any) {
        setStatus(m_document->filePath().isEmpty()
                      ? tr("Save the project and train it: its runs can then be compared here.")
                      : tr("No run has finished a round yet: train on the Train tab (F5), then "
                           "compare the base model with the fine-tuned one here."));
        return;
    }
    for (const auto &m : dragon::CompareService::models(run.toStdString())) {
        m_model->addItem(QString::fromStdString(m.label), QString::fromStdString(m.path));
        m_model->setItemData(m_model->count() - 1, m.loadsAlone, kLoadsAloneRole);
        m_model->setItemData(m_model->count() - 1, m.round, kRoundRole);
    }
    updateGenerateWith();
    try {
        const auto config = dragon::DragonConfig::fromFile(
            (std::filesystem::path(run.toStdString()) / "config.json").string());
        const auto &prompts = config.project.evalPrompts;
        m_prompt->addItem(
            tr("All %n eval prompt(s), the run's evaluation seeds", nullptr, int(prompts.size())));
        for (const auto &p : prompts)
            m_prompt->addItem(QString::fromStdString(p), QString::fromStdString(p));
        for (const auto &p : config.project.trainPrompts)
            if (m_prompt->findData(QString::fromStdString(p)) < 0)
                m_prompt->addItem(QString::fromStdString(p), QString::fromStdString(p));
        m_seeds->setValue(std::clamp(config.evalSeedsPerPrompt, 1, m_seeds->maximum()));
    } catch (const std::exception &e) {
        setStatus(QString::fromStdString(e.what()), true);
        m_compare->setEnabled(false);
        return;
    }
    m_prompt->setEditable(true);
    m_seed->setEnabled(false);
    setStatus({});
    const std::string latest = dragon::CompareStore::latest(run.toStdString());
    if (!latest.empty()) {
        try {
            showResult(dragon::CompareStore::load(latest), QString::fromStdString(latest));
        } catch (const std::exception &e) {
            setStatus(tr("The newest comparison could not be shown: %1")
                          .arg(QString::fromStdString(e.what())),
                      true);
        }
    }
}

QString ComparePanel::chosenPrompt() const
{
    return m_prompt->currentIndex() == 0 && m_prompt->currentText() == m_prompt->itemText(0)
               ? QString()
               : m_prompt->currentText().trimmed();
}

QString ComparePanel::generatorFileForModel() const
{
    const int row = m_model->currentIndex();
    if (row < 0)
        return {};
    if (m_model->itemData(row, kLoadsAloneRole).toBool())
        return m_model->itemData(row).toString();
    // A round checkpoint: the generator file holding the same round's weights (policy.pt for
    // the newest round, best-policy.pt for the best), if there is one.
    const int round = m_model->itemData(row, kRoundRole).toInt();
    for (int i = 0; i < m_model->count(); ++i)
        if (round >= 0 && m_model->itemData(i, kLoadsAloneRole).toBool() &&
            m_model->itemData(i, kRoundRole).toInt() == round)
            return m_model->itemData(i).toString();
    return {};
}

void ComparePanel::updateGenerateWith()
{
    const bool any = m_model->currentIndex() >= 0;
    const QString file = generatorFileForModel();
    m_generateWith->setEnabled(!file.isEmpty());
    m_generateWith->setToolTip(
        !any ? tr("Generate with a fine-tuned model once a run has one")
        : !file.isEmpty()
            ? tr("Open the Generate tab with this fine-tuned model (%1) and the prompt chosen "
                 "here, to make new clips with it")
                  .arg(QFileInfo(file).fileName())
            : tr("This round's checkpoint holds the run's training state and is read against "
                 "its base model: choose best-policy.pt or policy.pt to generate with"));
}

bool ComparePanel::startCompare()
{
    const QString run = m_run->currentData().toString();
    if (run.isEmpty() || m_model->currentIndex() < 0) {
        setStatus(tr("Choose a run with a fine-tuned model first."), true);
        return false;
    }
    if (isBusy())
        return false;
    dragon::CompareRequest request;
    request.runFolder = run.toStdString();
    request.model = m_model->currentData().toString().toStdString();
    request.seedsPerPrompt = m_seeds->value();
    const QString prompt = chosenPrompt();
    if (!prompt.isEmpty()) {
        request.prompts = {prompt.toStdString()};
        request.seed = quint64(m_seed->value());
    }
    if (!m_document->filePath().isEmpty())
        request.cacheDir =
            dragon::ProjectFolder::embeddingCache(m_document->filePath().toStdString(), {});
    if (!m_controller->start(request))
        return false;
    m_playback->stop();
    setRunning(true);
    setStatus(tr("Generating with both models…"));
    return true;
}

void ComparePanel::showResult(const dragon::CompareResult &r, const QString &folder)
{
    m_result = r;
    m_folder = folder;
    QVector<AuditionEntry> tuned, base;
    for (const auto &p : r.pairs) {
        const QString prompt = QString::fromStdString(p.prompt);
        const double b = r.setReward ? p.baseUtility : p.baseReward;
        const double t = r.setReward ? p.tunedUtility : p.tunedReward;
        const QString verdict = p.outcome > 0   ? tr("the fine-tuned clip wins")
                                : p.outcome < 0 ? tr("the base clip wins")
                                                : tr("a tie");
        const QString details =
            tr("%1: fine-tuned %2, base %3").arg(verdict).arg(t, 0, 'g', 4).arg(b, 0, 'g', 4);
        tuned.push_back({QString::fromStdString(p.tunedPath), prompt, p.seed, t, details});
        base.push_back({QString::fromStdString(p.basePath), prompt, p.seed, b, details});
    }
    m_audition->setEntries(tuned, base);
    QString text =
        tr("<b>%1</b> against the base model, %2 at %3 steps: the fine-tuned model wins %4 of "
           "%5 = %6 [%7, %8], sign test p = %9. Pairs: %10 won, %11 lost, %12 tied. Reward %13 "
           "→ %14.")
            .arg(QString::fromStdString(r.modelLabel).toHtmlEscaped())
            .arg(tr("%n clip pair(s)", nullptr, int(r.pairs.size())))
            .arg(r.steps)
            .arg(r.wins, 0, 'g', 3)
            .arg(tr("%n prompt(s)", nullptr, r.prompts))
            .arg(r.rate, 0, 'f', 3)
            .arg(r.lower, 0, 'f', 3)
            .arg(r.upper, 0, 'f', 3)
            .arg(r.signTestP, 0, 'g', 2)
            .arg(r.pairWins)
            .arg(r.pairLosses)
            .arg(r.pairTies)
            .arg(r.rewardBase, 0, 'g', 4)
            .arg(r.rewardTuned, 0, 'g', 4);
    QStringList levels;
    for (std::size_t g = 0; g < r.byBaseLevel.size(); ++g)
        levels << tr("%1 %2 of %3")
                      .arg(QString::fromLatin1(
                          dragon::WinsByBaseLevel::label(g, r.byBaseLevel.size())))
                      .arg(r.byBaseLevel[g].wins, 0, 'g', 3)
                      .arg(r.byBaseLevel[g].prompts);
    if (levels.size() > 1)
        text += " " + tr("Wins by how well the base did on the prompt: %1.").arg(levels.join(", "));
    const dragon::LoudnessShift level = r.loudnessShift();
    if (level.pairs > 0)
        text += " " + tr("Loudness: base median %1 LUFS, fine-tuned %2 LUFS (%3 LU per pair on "
                         "average).")
                          .arg(level.baseMedian, 0, 'f', 1)
                          .arg(level.tunedMedian, 0, 'f', 1)
                          .arg(QString::asprintf("%+.1f", level.meanChange));
    for (const auto &n : r.notes)
        text += " " + QString::fromStdString(n).toHtmlEscaped() + ".";
    m_summary->setText(text);
}

void ComparePanel::setRunning(bool running)
{
    m_compare->setEnabled(!running && m_run->currentIndex() >= 0);
    m_cancel->setEnabled(running);
    m_run->setEnabled(!running);
    m_model->setEnabled(!running);
    m_progress->setVisible(running);
    if (running)
        m_progress->setRange(0, 0);
}

void ComparePanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? "color: #b00020" : QString());
    if (!text.isEmpty())
        Q_EMIT statusMessage(text);
}
