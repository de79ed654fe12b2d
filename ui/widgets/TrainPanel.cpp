#include "widgets/TrainPanel.h"

#include "document/ProjectDocument.h"
#include "dragon/RunHistory.h"
#include "dragon/WinRateStatistics.h"
#include "encoders/EncoderFactory.h"
#include "playback/PlaybackController.h"
#include "project/ProjectFolder.h"
#include "widgets/AuditionView.h"
#include "widgets/GeneratorPicker.h"
#include "widgets/QCustomPlotInclude.h"
#include "widgets/RunExport.h"
#include "widgets/RunTable.h"
#include "widgets/ScrollWheelGuard.h"
#include "widgets/TrainSettingsForm.h"
#include "widgets/TrainingDashboard.h"
#include "workers/TrainingController.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>
#include <ctime>

namespace {

// A problem sentence from core ("Add at least one reward term.") as a clause of the joined
// "Cannot start: a; b." line: no full stop of its own, lower case unless it opens with a name
// or an acronym ("CLAP ...").
QString asClause(QString sentence)
{
    while (sentence.endsWith('.'))
        sentence.chop(1);
    if (sentence.size() > 1 && sentence[0].isUpper() && sentence[1].isLower())
        sentence[0] = sentence[0].toLower();
    return sentence;
}

} // namespace

TrainPanel::TrainPanel(ProjectDocument *document, TrainingController *training,
                       PlaybackController *playback, QWidget *parent)
    : QWidget(parent), m_document(document), m_training(training), m_playback(playback),
      m_form(new TrainSettingsForm(document)), m_start(new QPushButton(tr("Start"))),
      m_pause(new QPushButton(tr("Pause"))), m_stop(new QPushButton(tr("Stop"))),
      m_continue(new QPushButton(tr("Continue run"))),
      m_openRun(new QPushButton(tr("Open run folder"))), m_export(new QPushButton(tr("Export"))),
      m_compare(new QPushButton(tr("Compare with base…"))), m_runs(new RunTable),
      m_status(new QLabel), m_progress(new QProgressBar), m_dashboard(new TrainingDashboard),
      m_startHint(new QLabel), m_auditions(new AuditionView(playback))
{
    m_status->setObjectName("trainStatus");

    auto *settings = new QGroupBox(tr("Settings"));
    auto *form = new QFormLayout(settings);
    m_generator = new GeneratorPicker;
    form->addRow(m_generator);
    form->addRow(m_form);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    form->addRow(buttons);
    m_startHint->setObjectName("startHint");
    m_startHint->setWordWrap(true);
    form->addRow(m_startHint);
    form->addRow(m_progress);
    form->addRow(m_status);
    m_status->setWordWrap(true);
    m_status->setMinimumHeight(m_status->fontMetrics().lineSpacing() * 3 + 4);
    m_status->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *runsBox = new QGroupBox(tr("Runs of this project (right-click a run for more)"));
    auto *runsLayout = new QVBoxLayout(runsBox);
    connect(m_runs, &QWidget::customContextMenuRequested, this, &TrainPanel::showRunMenu);
    auto *deleteKey = new QAction(tr("Delete run…"), m_runs);
    deleteKey->setShortcut(QKeySequence::Delete);
    deleteKey->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteKey, &QAction::triggered, this, [this] {
        if (m_runs->currentRow() >= 0)
            deleteRun(selectedRunFolder());
    });
    m_runs->addAction(deleteKey);
    runsLayout->addWidget(m_runs);
    auto *runButtons = new QHBoxLayout;
    m_continue->setObjectName("continueRun");
    m_continue->setToolTip(tr("Continue the selected run from its newest checkpoint"));
    runButtons->addWidget(m_continue);
    runButtons->addWidget(m_openRun);
    m_compare->setObjectName("compareRun");
    m_compare->setToolTip(tr("Listen to the base model against the selected run's fine-tuned "
                             "model, same prompts and seeds (Compare tab)"));
    runButtons->addWidget(m_compare);
    runButtons->addWidget(m_export);
    runButtons->addStretch();
    auto *exports = new QMenu(m_export);
    exports->addAction(tr("Metrics (CSV)…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics"), "metrics.csv",
                                                          tr("CSV (*.csv)"));
        if (!path.isEmpty())
            exportMetrics(path);
    });
    exports->addAction(tr("Plots (PNG and PDF)…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export plots"), "dragon-run",
                                                          tr("Base name (*)"));
        if (!path.isEmpty())
            exportPlots(path);
    });
    exports->addAction(tr("Fine-tuned model…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the fine-tuned model"),
                                                          "fine-tuned.pt", tr("Model (*.pt)"));
        if (!path.isEmpty())
            exportModel(path);
    });
    for (const bool flac : {true, false})
        exports->addAction(
            flac ? tr("Audition clips (FLAC)…") : tr("Audition clips (WAV)…"), this, [this, flac] {
                const QString dir =
                    QFileDialog::getExistingDirectory(this, tr("Export the audition clips to"));
                if (!dir.isEmpty())
                    exportClips(dir, flac);
            });
    m_export->setMenu(exports);
    runsLayout->addLayout(runButtons);
    // Settings, runs and auditions scroll as one column: stacked, they are taller than a
    // laptop screen (the window's minimum height was 1,115 px after a run), and a window
    // taller than the screen hides Start and the status line.
    auto *leftPane = new QWidget;
    auto *left = new QVBoxLayout(leftPane);
    left->setContentsMargins(0, 0, 0, 0);
    left->addWidget(settings);
    left->addWidget(runsBox);
    left->addWidget(
        new QLabel(tr("<b>Audition</b>: each round's best (D+) beside its worst (D−)")));
    // Tall enough for a few rounds of D+/D- even where the column has to scroll to show them.
    m_auditions->setMinimumHeight(180);
    left->addWidget(m_auditions, 1);
    auto *leftScroll = new QScrollArea;
    leftScroll->setObjectName("trainSettingsScroll");
    leftScroll->setWidget(leftPane);
    leftScroll->setWidgetResizable(true);
    leftScroll->setFrameShape(QFrame::NoFrame);
    leftScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Only heights scroll: the column keeps the width its form needs, beside the scroll bar.
    leftScroll->setMinimumWidth(leftPane->minimumSizeHint().width() +
                                leftScroll->verticalScrollBar()->sizeHint().width());

    // The plots scroll too: each keeps a readable height (TrainingDashboard) instead of being
    // squeezed on a small window.
    auto *plotScroll = new QScrollArea;
    plotScroll->setObjectName("trainPlotsScroll");
    plotScroll->setWidget(m_dashboard);
    plotScroll->setWidgetResizable(true);
    plotScroll->setFrameShape(QFrame::NoFrame);
    plotScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *layout = new QHBoxLayout(this);
    layout->addWidget(leftScroll, 2);
    layout->addWidget(plotScroll, 3);
    ScrollWheelGuard::install(this); // scrolling the columns never changes a setting

    connect(m_start, &QPushButton::clicked, this, &TrainPanel::startRun);
    connect(m_pause, &QPushButton::clicked, this, &TrainPanel::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &TrainPanel::stopRun);
    connect(training, &TrainingController::roundFinished, this, &TrainPanel::onRound);
    connect(training, &TrainingController::evalFinished, this, &TrainPanel::onEval);
    connect(training, &TrainingController::audition, this, &TrainPanel::onAudition);
    connect(training, &TrainingController::finished, this, &TrainPanel::onFinished);
    connect(training, &TrainingController::message, this, &TrainPanel::statusMessage);
    connect(training, &TrainingController::progress, this,
            [this](const QString &phase, int done, int total) {
                m_phase = phase;
                m_phaseFraction = total > 0 ? double(done) / double(total) : 0.0;
                updateProgress();
            });
    connect(m_continue, &QPushButton::clicked, this, &TrainPanel::continueRun);
    connect(m_openRun, &QPushButton::clicked, this, &TrainPanel::openRunFolder);
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const QString folder = selectedRunFolder();
        if (!folder.isEmpty())
            Q_EMIT compareRequested(folder);
    });
    connect(m_runs, &QTableWidget::currentCellChanged, this, [this](int row) { showRun(row); });
    connect(document, &ProjectDocument::documentReset, this, [this] {
        if (!isTraining()) {
            m_idleStatus = true; // another project: the last one's messages no longer apply
            // Nor its run: refreshRuns (connected below) shows this project's newest, if any.
            forgetShownRun();
        }
        m_form->load();
        spanEmptyPlots();
        updateStartState();
    });
    for (const auto signal : {&ProjectDocument::rewardChanged, &ProjectDocument::setsChanged})
        connect(document, signal, this, &TrainPanel::updateStartState);
    connect(document, &ProjectDocument::itemsChanged, this, &TrainPanel::updateStartState);
    connect(document, &ProjectDocument::modifiedChanged, this, &TrainPanel::updateStartState);
    connect(m_form, &TrainSettingsForm::edited, this, &TrainPanel::updateStartState);
    connect(m_form, &TrainSettingsForm::roundsChanged, this, &TrainPanel::spanEmptyPlots);
    connect(document, &ProjectDocument::documentReset, this, &TrainPanel::refreshRuns);
    connect(document, &ProjectDocument::filePathChanged, this, &TrainPanel::refreshRuns);
    setRunning(false);
    m_form->load();
    spanEmptyPlots();
    updateStartState();
    refreshRuns();
}

void TrainPanel::updateStartState()
{
    // Problems that stop a run, in the form's words (never config keys); sets by name.
    QStringList problems, warnings;
    const dragon::DragonConfig config = configFromForm();
    if (m_document->filePath().isEmpty())
        problems << tr("save the project first (runs are kept beside it)");
    for (const auto &p : config.validate())
        problems << asClause(QString::fromStdString(p))
                        .replace("evalEvery", tr("“Evaluate every”"))
                        .replace("promptsPerRound", tr("“Prompts per round”"))
                        .replace("beta and learningRate", tr("Beta and learning rate"));
    const auto &project = m_document->project();
    // Built-in encoders say whether they have a text tower; a plug-in is checked when the run
    // loads it, so it is not refused here.
    bool text = true;
    for (const auto &choice : dragon::builtInEncoders())
        if (choice.key == project.reward.encoder)
            text = choice.textTower;
    for (const auto &p : project.reward.validate(project, text))
        problems << asClause(QString::fromStdString(p));
    const int evalPrompts = int(project.evalPrompts.size());
    if (!m_form->evaluates())
        warnings << tr("no evaluations: there will be no win rate against the base model");
    else if (evalPrompts > 0 && evalPrompts < 8) {
        const int needed = dragon::winsToClear(evalPrompts);
        const QString reach =
            needed < 0 ? tr("the win rate's lower bound cannot pass 0.5 even if all are won")
                       : tr("the lower bound passes 0.5 only at %1 of %2 won")
                             .arg(needed)
                             .arg(evalPrompts);
        warnings << tr("only %n eval prompt(s): %1 (add at least 8 on the Prompts tab; with 16, "
                       "%2 wins pass 0.5)",
                       nullptr, evalPrompts)
                        .arg(reach)
                        .arg(dragon::winsToClear(16));
    }
    m_blocked = problems.join("; ");
    m_warning = warnings.join("; ");
    if (!isTraining())
        m_start->setEnabled(problems.isEmpty());
    m_start->setToolTip(m_blocked.isEmpty() ? tr("Start training (F5)")
                                            : tr("Cannot start: %1").arg(m_blocked));
    if (!problems.isEmpty()) {
        m_startHint->setStyleSheet("color: #b00020");
        m_startHint->setText(tr("Cannot start: %1.").arg(m_blocked));
    } else {
        m_startHint->setStyleSheet("color: #8a5a00");
        m_startHint->setText(warnings.isEmpty() ? QString() : tr("Note: %1.").arg(m_warning));
    }
    if (m_idleStatus && !isTraining())
        showIdleStatus();
}

void TrainPanel::showIdleStatus()
{
    const auto &project = m_document->project();
    QString text;
    if (!m_blocked.isEmpty()) {
        text = project.reward.terms.empty() || project.trainPrompts.empty()
                   ? tr("Set the reward in the Reward tab and the prompts in the Prompts tab, "
                        "then Start.")
                   : tr("Not ready to train yet: see the reason above.");
    } else {
        // Plurals by hand: tr()'s %n needs a loaded translation to say "prompts".
        const auto train = project.trainPrompts.size(), eval = project.evalPrompts.size();
        text = tr("Ready: %1, %2, %3. Press Start (F5).")
                   .arg(QString::fromStdString(dragon::RunHistory::describeReward(project)),
                        train == 1 ? tr("1 training prompt") : tr("%1 training prompts").arg(train),
                        eval == 1 ? tr("1 eval prompt") : tr("%1 eval prompts").arg(eval));
    }
    setStatus(text);
    m_idleStatus = true; // setStatus marks an action's message; this one follows the project
}

bool TrainPanel::isTraining() const
{
    return m_training->isRunning();
}

void TrainPanel::refreshRuns()
{
    const QString selected = m_runs->currentRow() >= 0 ? m_runs->currentFolder() : m_runDir;
    const QString project = m_document->filePath();
    m_runs->fill(project.isEmpty() ? std::vector<dragon::RunSummary>{}
                                   : dragon::RunHistory::list(
                                         dragon::ProjectFolder::runsDir(project.toStdString())),
                 selected);
    if (m_runs->currentRow() < 0 && m_runs->rowCount() > 0 && !isTraining()) {
        {
            const QSignalBlocker quiet(m_runs); // shown once, below
            m_runs->setCurrentCell(0, 0);       // the newest run is shown when nothing else is
        }
        showRun(0);
    }
    m_continue->setEnabled(!isTraining() && m_runs->resumableAt(m_runs->currentRow()));
    const bool haveRun = m_runs->currentRow() >= 0 || !m_runDir.isEmpty();
    m_openRun->setEnabled(haveRun);
    m_compare->setEnabled(haveRun); // nothing to compare without a run
}

void TrainPanel::showRun(int row)
{
    if (row < 0 || row >= m_runs->rowCount())
        return;
    const QString folder = m_runs->folderAt(row);
    m_continue->setEnabled(!isTraining() && m_runs->resumableAt(row));
    m_openRun->setEnabled(true);
    m_compare->setEnabled(true);
    if (isTraining())
        return; // the live run keeps the plots
    m_runDir = folder;
    clearPlots();
    const std::string dir = folder.toStdString();
    const auto summary = dragon::RunHistory::summarise(dir);
    m_totalRounds = std::max(1, summary.roundsPlanned);
    m_dashboard->setTotalRounds(m_totalRounds);
    m_dashboard->setLevelIsTarget(summary.loudnessTerm);
    for (const auto &r : dragon::RunHistory::rounds(dir))
        plotRound(r);
    for (const auto &e : dragon::RunHistory::evaluations(dir))
        plotEval(e);
    for (const auto &clip : dragon::RunHistory::auditions(dir))
        onAudition(clip);
    m_auditions->clear(); // then listed once, so the newest round is the one selected
    m_auditions->setEntries(m_plus, m_minus);
    // The bar says how the shown run ended, as it did when that run ended in this window.
    m_roundsDone = summary.roundsDone;
    const QString state = QString::fromStdString(summary.state);
    showEndState(state == "finished" ? tr("Finished: %1 rounds").arg(summary.roundsDone)
                 : state.startsWith("stopped")
                     ? tr("Stopped at round %1 of %2").arg(summary.roundsDone).arg(m_totalRounds)
                 : state.startsWith("damaged") ? tr("Damaged: see the status line")
                                               : tr("No round finished"));
    setStatus(tr("Run of %1: %2, %3 of %4 rounds, %5.")
                  .arg(m_runs->startedAt(row), QString::fromStdString(summary.reward))
                  .arg(summary.roundsDone)
                  .arg(summary.roundsPlanned)
                  .arg(QString::fromStdString(summary.state)));
}

bool TrainPanel::continueRun()
{
    const int row = m_runs->currentRow();
    if (isTraining() || !m_runs->resumableAt(row))
        return false;
    const QString folder = m_runs->folderAt(row);
    dragon::DragonConfig config;
    try {
        config = dragon::DragonConfig::fromFile((folder + "/config.json").toStdString());
    } catch (const std::exception &e) {
        setStatus(tr("Cannot continue this run: %1").arg(QString::fromStdString(e.what())), true);
        return false;
    }
    showRun(row); // the curves so far, which the continued run extends
    return launch(config, folder, true);
}

QString TrainPanel::selectedRunFolder() const
{
    return m_runs->currentRow() >= 0 ? m_runs->currentFolder() : m_runDir;
}

void TrainPanel::openRunFolder()
{
    const QString folder = selectedRunFolder();
    if (!folder.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(folder));
}

void TrainPanel::showRunMenu(const QPoint &at)
{
    const int row = m_runs->rowAt(at.y());
    if (row < 0)
        return;
    m_runs->setCurrentCell(row, 0);
    const QString folder = selectedRunFolder();
    QMenu menu(this);
    menu.addAction(tr("Open run folder"), this, &TrainPanel::openRunFolder);
    menu.addAction(tr("Compare with base…"), this,
                   [this, folder] { Q_EMIT compareRequested(folder); });
    if (m_continue->isEnabled())
        menu.addAction(tr("Continue run"), this, &TrainPanel::continueRun);
    menu.addSeparator();
    QAction *remove =
        menu.addAction(tr("Delete run…"), this, [this, folder] { deleteRun(folder); });
    remove->setShortcut(QKeySequence::Delete);
    remove->setEnabled(!(isTraining() && folder == m_runDir));
    menu.exec(m_runs->viewport()->mapToGlobal(at));
}

bool TrainPanel::deleteRun(const QString &folder, bool ask)
{
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
        setStatus(tr("No run to delete: %1 is not there.").arg(folder), true);
        return false;
    }
    if (isTraining() && QFileInfo(folder) == QFileInfo(m_runDir)) {
        setStatus(tr("The run in progress cannot be deleted: stop it first."), true);
        return false;
    }
    const std::string dir = folder.toStdString();
    const auto summary = dragon::RunHistory::summarise(dir);
    const QString name = QString::fromStdString(
        dragon::ProjectFolder::displayStamp(QFileInfo(folder).fileName().toStdString()));
    qint64 bytes = 0;
    QDirIterator files(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        files.next();
        bytes += files.fileInfo().size();
    }
    const QString what = tr("the run of %1 (%2, %3 of %4 rounds, %5 MB)")
                             .arg(name, QString::fromStdString(summary.reward))
                             .arg(summary.roundsDone)
                             .arg(summary.roundsPlanned)
                             .arg(double(bytes) / 1e6, 0, 'f', 0);
    if (ask && QMessageBox::question(
                   this, tr("Delete run"),
                   tr("Move %1 to the trash? Its checkpoints, clips, plots and comparisons go "
                      "with it.")
                       .arg(what),
                   QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return false;
    const bool shown = !m_runDir.isEmpty() && QFileInfo(folder) == QFileInfo(m_runDir);
    bool trashed = QFile::moveToTrash(folder);
    // No trash here (or none for this disk): deleted for good only when the user says so.
    if (!trashed &&
        (!ask ||
         QMessageBox::warning(
             this, tr("Delete run"), tr("The trash cannot take %1. Delete it for good?").arg(what),
             QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes ||
         !QDir(folder).removeRecursively())) {
        setStatus(tr("%1 was not deleted: there is no trash for it here.").arg(folder), true);
        return false;
    }
    if (shown) {
        forgetShownRun();
        spanEmptyPlots();
    }
    refreshRuns();
    setStatus(trashed ? tr("Moved %1 to the trash.").arg(what) : tr("Deleted %1.").arg(what));
    Q_EMIT runDeleted(folder);
    return true;
}

bool TrainPanel::exportMetrics(const QString &csvPath)
{
    const auto result = RunExport::metrics(m_runDir, csvPath);
    setStatus(result.message, !result.ok);
    return result.ok;
}

bool TrainPanel::exportPlots(const QString &basePath)
{
    QStringList written;
    for (const auto &[plot, name] : m_dashboard->plots()) {
        const QString base = basePath + "-" + name;
        if (!plot->savePng(base + ".png", 900, 500) || !plot->savePdf(base + ".pdf", 900, 500)) {
            setStatus(tr("Cannot write %1.png / .pdf").arg(base), true);
            return false;
        }
        written << QFileInfo(base).fileName();
    }
    setStatus(tr("Plots exported: %1 (.png and .pdf)").arg(written.join(", ")));
    return true;
}

bool TrainPanel::exportModel(const QString &path)
{
    const auto result = RunExport::model(m_runDir, path);
    setStatus(result.message, !result.ok);
    return result.ok;
}

int TrainPanel::exportClips(const QString &folder, bool flac)
{
    const auto result = RunExport::clips(m_runDir, folder, flac);
    setStatus(result.message, !result.ok);
    return result.files;
}

void TrainPanel::spanEmptyPlots()
{
    if (m_dashboard->plottedRounds() == 0 && m_dashboard->plottedEvaluations() == 0)
        m_dashboard->setTotalRounds(m_form->rounds());
}

void TrainPanel::forgetShownRun()
{
    m_runDir.clear();
    clearPlots();
    m_progress->reset();
    m_progress->setFormat(QStringLiteral("%p%"));
}

void TrainPanel::clearPlots()
{
    m_dashboard->clear(m_totalRounds);
    m_auditions->clear();
    m_plus.clear();
    m_minus.clear();
}

dragon::DragonConfig TrainPanel::configFromForm() const
{
    dragon::DragonConfig c;
    c.project = m_document->project();
    c.projectPath = m_document->filePath().toStdString();
    c.generator = m_generator->spec().toStdString();
    m_form->fill(c);
    return c;
}

QString TrainPanel::status() const
{
    return m_status->text();
}

QString TrainPanel::progressText() const
{
    return m_progress->format();
}

int TrainPanel::plottedRounds() const
{
    return m_dashboard->plottedRounds();
}

int TrainPanel::plottedEvaluations() const
{
    return m_dashboard->plottedEvaluations();
}

int TrainPanel::auditionCount() const
{
    return int(m_plus.size() + m_minus.size());
}

void TrainPanel::setStatus(const QString &text, bool error)
{
    m_idleStatus = false;
    m_status->setStyleSheet(error ? "color: #b00020" : QString());
    m_status->setText(text);
}

void TrainPanel::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
    m_stop->setEnabled(running);
    m_form->setEditable(!running);
    if (running) {
        m_continue->setEnabled(false);
    } else {
        m_pause->setText(tr("Pause"));
        updateStartState();
    }
}

bool TrainPanel::startRun()
{
    if (m_training->isRunning())
        return false;
    if (m_document->filePath().isEmpty()) {
        setStatus(tr("Save the project first: runs are kept beside it (name.dragon.d/runs)."),
                  true);
        return false;
    }
    const dragon::DragonConfig config = configFromForm();
    QStringList problems;
    for (const auto &p : config.validate())
        problems << asClause(QString::fromStdString(p));
    if (config.project.reward.terms.empty())
        problems << tr("no reward: define one in the Reward tab");
    if (!problems.isEmpty()) {
        setStatus(tr("Cannot train: %1.").arg(problems.join("; ")), true);
        return false;
    }
    const QString runDir = QString::fromStdString(
        dragon::ProjectFolder::runsDir(m_document->filePath().toStdString()) + "/" +
        dragon::ProjectFolder::runName(std::time(nullptr)));
    clearPlots();
    return launch(config, runDir, false);
}

bool TrainPanel::launch(const dragon::DragonConfig &config, const QString &runDir, bool resumed)
{
    m_runDir = runDir;
    QDir().mkpath(m_runDir);
    m_totalRounds = config.rounds;
    m_dashboard->setTotalRounds(m_totalRounds);
    m_dashboard->setLevelIsTarget(config.project.reward.hasTerm("loudness"));
    m_runClock.start();
    m_firstRound = -1;
    m_roundsDone = resumed ? dragon::RunHistory::summarise(runDir.toStdString()).roundsDone : 0;
    m_phase = tr("starting");
    m_phaseFraction = 0;
    updateProgress();
    if (!m_training->start(config, m_runDir)) {
        setStatus(tr("A run is already active."), true);
        return false;
    }
    setRunning(true);
    refreshRuns();
    setStatus(resumed ? tr("Continuing the run in %1 from its newest checkpoint...").arg(m_runDir)
                      : tr("Preparing (loading the model, embedding exemplars)... run folder %1")
                            .arg(m_runDir));
    return true;
}

void TrainPanel::togglePause()
{
    const bool pause = !m_training->isPaused();
    m_training->setPaused(pause);
    m_pause->setText(pause ? tr("Resume") : tr("Pause"));
    setStatus(pause ? tr("Paused (the run holds at the next phase boundary).") : tr("Resumed."));
}

void TrainPanel::stopRun()
{
    m_training->setPaused(false);
    m_training->stop();
    setStatus(tr("Stopping..."));
}

void TrainPanel::plotRound(const dragon::RoundStats &s)
{
    m_dashboard->addRound(s);
}

void TrainPanel::onRound(const dragon::RoundStats &s)
{
    plotRound(s);
    if (m_firstRound < 0)
        m_firstRound = s.round; // rounds before it were done by an earlier session of the run
    m_roundsDone = s.round;
    m_phaseFraction = 0;
    updateProgress();
    QString text = tr("Round %1 / %2: reward %3, %4, loss %5, implicit accuracy %6, %7 s")
                       .arg(s.round)
                       .arg(m_totalRounds)
                       .arg(s.rewardMean, 0, 'g', 4)
                       .arg(s.pairs ? tr("%n pair(s)", nullptr, s.pairs)
                                    : tr("%n label(s)", nullptr, s.labels))
                       .arg(s.loss.loss, 0, 'f', 4)
                       .arg(s.loss.implicitAccuracy, 0, 'f', 2)
                       .arg(s.secondsTotal, 0, 'f', 1);
    if (!s.warning.empty())
        text += " — " + QString::fromStdString(s.warning);
    if (m_training->isPaused())
        text = tr("Paused after round %1 of %2.").arg(s.round).arg(m_totalRounds);
    setStatus(text);
}

void TrainPanel::plotEval(const dragon::EvalStats &e)
{
    m_dashboard->addEval(e);
}

void TrainPanel::onEval(const dragon::EvalStats &e)
{
    plotEval(e);
    Q_EMIT statusMessage(tr("Eval at round %1: win rate %2 [%3, %4], p = %5; reward %6 -> %7, "
                            "better by %8 [%9, %10]")
                             .arg(e.round)
                             .arg(e.winRate.rate, 0, 'f', 3)
                             .arg(e.winRate.lower, 0, 'f', 3)
                             .arg(e.winRate.upper, 0, 'f', 3)
                             .arg(e.winRate.signTestP, 0, 'g', 2)
                             .arg(e.rewardBase, 0, 'g', 4)
                             .arg(e.rewardPolicy, 0, 'g', 4)
                             .arg(e.deltaMean, 0, 'g', 3)
                             .arg(e.deltaLower, 0, 'g', 3)
                             .arg(e.deltaUpper, 0, 'g', 3));
}

void TrainPanel::onAudition(const dragon::AuditionClip &c)
{
    const QString path = QString::fromStdString(c.path);
    const AuditionEntry entry{path,
                              tr("round %1: %2").arg(c.round).arg(QString::fromStdString(c.prompt)),
                              c.seed, c.reward, tr("round %1").arg(c.round)};
    // Row i of both lists is one round (newest first), so A/B compares a round's best with its
    // worst; a round whose other clip has not arrived yet waits for it.
    QVector<AuditionEntry> &list = c.label > 0 ? m_plus : m_minus;
    list.prepend(entry);
    if (m_plus.size() == m_minus.size())
        m_auditions->setEntries(m_plus, m_minus);
}

void TrainPanel::onFinished(int rounds, bool stopped, const QString &error)
{
    setRunning(false);
    m_roundsDone = std::max(m_roundsDone, rounds);
    showEndState(!error.isEmpty() ? tr("Failed after round %1").arg(m_roundsDone)
                 : stopped || m_roundsDone < m_totalRounds
                     ? tr("Stopped at round %1 of %2").arg(m_roundsDone).arg(m_totalRounds)
                     : tr("Finished: %1 rounds").arg(m_roundsDone));
    const bool nothingKept = QDir(m_runDir + "/checkpoints").isEmpty() &&
                             !QFileInfo::exists(m_runDir + "/metrics.jsonl");
    if (!error.isEmpty() && rounds == 0 && nothingKept) {
        // Failed while starting: leave no half-made run behind.
        QDir(m_runDir).removeRecursively();
        m_runDir.clear();
        setStatus(tr("Training could not start: %1 (no run folder was kept)").arg(error), true);
    } else if (!error.isEmpty())
        setStatus(tr("Training failed: %1").arg(error), true);
    else if (stopped)
        setStatus(tr("Stopped after %n round(s); the last checkpoint is in %1.", nullptr, rounds)
                      .arg(m_runDir));
    else
        setStatus(tr("Finished %n round(s). Run folder: %1", nullptr, rounds).arg(m_runDir));
    refreshRuns();
    Q_EMIT runFinished();
}

void TrainPanel::showEndState(const QString &text)
{
    m_progress->setMaximum(std::max(1, m_totalRounds));
    m_progress->setValue(std::clamp(m_roundsDone, 0, m_totalRounds));
    m_progress->setFormat(text);
}

void TrainPanel::updateProgress()
{
    const int total = std::max(1, m_totalRounds);
    m_progress->setMaximum(total * 100);
    m_progress->setValue(std::min(total * 100, int((m_roundsDone + m_phaseFraction) * 100)));
    QString text =
        tr("Round %1 of %2 · %3").arg(std::min(m_roundsDone + 1, total)).arg(total).arg(m_phase);
    // The ETA from this session's own pace (evaluations included), once a round is done.
    const int doneHere = m_firstRound < 0 ? 0 : m_roundsDone - m_firstRound + 1;
    if (doneHere > 0 && m_runClock.isValid()) {
        const double perRound = double(m_runClock.elapsed()) / 1000.0 / doneHere;
        const int left = int(std::lround(perRound * (total - m_roundsDone)));
        text +=
            left >= 60
                ? tr(" · about %1 min %2 s left").arg(left / 60).arg(left % 60, 2, 10, QChar('0'))
                : tr(" · about %1 s left").arg(left);
    }
    m_progress->setFormat(text);
}
