#include "widgets/MainWindow.h"

#include "document/ProjectDocument.h"
#include "facade/BuildInfo.h"
#include "models/WaveformStore.h"
#include "playback/PlaybackController.h"
#include "project/ProjectFile.h"
#include "project/ProjectFolder.h"
#include "widgets/ComparePanel.h"
#include "widgets/EnglishPlurals.h"
#include "widgets/ExemplarPanel.h"
#include "widgets/GeneratePanel.h"
#include "widgets/GeneratorPicker.h"
#include "widgets/PreviewPanel.h"
#include "widgets/PromptsPanel.h"
#include "widgets/RewardPanel.h"
#include "widgets/TrainPanel.h"
#include "workers/EmbeddingController.h"
#include "workers/ImportController.h"
#include "workers/TrainingController.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>
#include <algorithm>

namespace {
constexpr int kMaxRecent = 8;
}

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_document(new ProjectDocument(this)),
      m_waveforms(new WaveformStore(this)), m_importer(new ImportController(this)),
      m_playback(new PlaybackController(this)), m_embeddings(new EmbeddingController(this))
{
    setObjectName("mainWindow");
    EnglishPlurals::installOnce(); // "1 clip", "3 clips" where a message counts with %n
    m_panel = new ExemplarPanel(m_document, m_waveforms, m_importer, m_playback);
    auto *tabs = new QTabWidget;
    tabs->addTab(m_panel, tr("Exemplar sets"));
    tabs->addTab(new PromptsPanel(m_document), tr("Prompts"));
    m_rewardPanel = new RewardPanel(m_document, m_embeddings);
    tabs->addTab(m_rewardPanel, tr("Reward"));
    m_previewPanel = new PreviewPanel(m_document, m_playback);
    tabs->addTab(m_previewPanel, tr("Preview"));
    m_training = new TrainingController(this);
    m_trainPanel = new TrainPanel(m_document, m_training, m_playback);
    tabs->addTab(m_trainPanel, tr("Train"));
    m_comparePanel = new ComparePanel(m_document, m_playback);
    tabs->addTab(m_comparePanel, tr("Compare"));
    m_generatePanel = new GeneratePanel(m_playback);
    m_generatePanel->setDocument(m_document);
    tabs->addTab(m_generatePanel, tr("Generate"));
    // Clips go to the project's generations/ folder (a per-user one for an unsaved project).
    const auto followProject = [this] {
        const QString project = m_document->filePath();
        m_generatePanel->setOutputDir(
            project.isEmpty()
                ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/generations"
                : QString::fromStdString(
                      dragon::ProjectFolder::generationsDir(project.toStdString())));
    };
    connect(m_document, &ProjectDocument::documentReset, this, followProject);
    connect(m_document, &ProjectDocument::filePathChanged, this, followProject);
    setCentralWidget(tabs);
    m_tabs = tabs;
    buildMenus();
    // Previews use the model chosen on the Generate tab.
    connect(m_generatePanel->generatorPicker(), &GeneratorPicker::specChanged, m_previewPanel,
            &PreviewPanel::setGenerator);
    m_previewPanel->setGenerator(m_generatePanel->generatorPicker()->spec());
    connect(m_previewPanel, &PreviewPanel::previewShown, m_rewardPanel,
            &RewardPanel::setPreviewScales);
    connect(m_previewPanel, &PreviewPanel::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });

    connect(m_panel, &ExemplarPanel::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_trainPanel, &TrainPanel::runFinished, m_comparePanel, &ComparePanel::refreshRuns);
    connect(m_trainPanel, &TrainPanel::runDeleted, m_comparePanel, &ComparePanel::refreshRuns);
    connect(m_trainPanel, &TrainPanel::compareRequested, this, [this](const QString &folder) {
        m_comparePanel->selectRun(folder);
        m_tabs->setCurrentWidget(m_comparePanel);
    });
    connect(
        m_comparePanel, &ComparePanel::generateWithModel, this,
        [this](const QString &model, const QString &prompt) {
            m_generatePanel->setCheckpoint(model);
            if (!prompt.isEmpty())
                m_generatePanel->promptEdit()->setText(prompt);
            m_tabs->setCurrentWidget(m_generatePanel);
            statusBar()->showMessage(
                tr("Generate tab: the fine-tuned model %1").arg(QDir::toNativeSeparators(model)),
                8000);
        });
    connect(m_comparePanel, &ComparePanel::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_trainPanel, &TrainPanel::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_rewardPanel, &RewardPanel::statusMessage, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_playback, &PlaybackController::error, this,
            [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    connect(m_document, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ProjectDocument::filePathChanged, this, &MainWindow::updateTitle);

    auto *audioStatus = new QLabel(m_playback->outputStatus());
    audioStatus->setObjectName("audioStatus");
    statusBar()->addPermanentWidget(audioStatus);

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
        // First start: most of the screen, up to 1400 x 950 (the plots and the settings column
        // need the height; the window's minimum fits a 1366 x 768 screen).
        const QScreen *screen = QGuiApplication::primaryScreen();
        const QSize room = screen ? screen->availableGeometry().size() * 0.9 : QSize(1100, 700);
        resize(std::min(1400, room.width()), std::min(950, room.height()));
    }
    restoreState(settings.value("window/state").toByteArray());
    updateTitle();
}

MainWindow::~MainWindow()
{
    // The document and controllers are QObject children: they are destroyed after this class's
    // part of the object is gone, so they must not call back into it (found by UBSan).
    m_document->disconnect(this);
    m_playback->disconnect(this);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New project"), QKeySequence::New, this, [this] { newProject(); });
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] { openDialog(); });
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] { save(); });
    file->addAction(tr("Save &as…"), QKeySequence::SaveAs, this, [this] { saveAsDialog(); });
    file->addSeparator();
    file->addAction(tr("Import audio &files…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Import audio"), QString(),
            tr("Audio (*.wav *.flac *.ogg *.oga *.opus *.mp3 *.aif *.aiff);;All files (*)"));
        if (!files.isEmpty())
            m_panel->importPaths(files);
    });
    file->addAction(
        tr("Import a f&older…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I), this, [this] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Import folder"));
            if (!dir.isEmpty())
                m_panel->importPaths({dir});
        });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("Remove selected items"), m_panel, &ExemplarPanel::removeSelectedItems);

    QMenu *sets = menuBar()->addMenu(tr("&Sets"));
    sets->addAction(tr("&New set"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this, [this] {
        m_tabs->setCurrentWidget(m_panel);
        m_panel->newSet();
    });
    sets->addAction(tr("&Rename set"), m_panel, &ExemplarPanel::renameCurrentSet);
    sets->addAction(tr("&Delete set"), m_panel, &ExemplarPanel::deleteCurrentSet);

    QMenu *reward = menuBar()->addMenu(tr("&Reward"));
    reward->addAction(tr("&Compute embeddings"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        m_tabs->setCurrentWidget(m_rewardPanel);
        m_rewardPanel->computeAll();
    });
    QAction *preview = reward->addAction(tr("&Preview reward"), this, [this] {
        m_tabs->setCurrentWidget(m_previewPanel);
        m_previewPanel->startPreview();
    });
    preview->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));

    QMenu *train = menuBar()->addMenu(tr("&Train"));
    train->addAction(tr("&Start training"), QKeySequence(Qt::Key_F5), this, [this] {
        m_tabs->setCurrentWidget(m_trainPanel);
        m_trainPanel->startRun();
    });
    train->addAction(tr("&Pause / resume training"), QKeySequence(Qt::Key_F6), m_trainPanel,
                     [this] {
                         if (m_training->isRunning())
                             m_trainPanel->togglePause();
                     });
    train->addAction(tr("S&top training"), QKeySequence(Qt::SHIFT | Qt::Key_F5), m_trainPanel,
                     [this] {
                         if (m_training->isRunning())
                             m_trainPanel->stopRun();
                     });
    train->addSeparator();
    train->addAction(tr("&Compare base and fine-tuned"),
                     QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this, [this] {
                         m_tabs->setCurrentWidget(m_comparePanel);
                         m_comparePanel->startCompare();
                     });
    QMenu *generate = menuBar()->addMenu(tr("&Generate"));
    generate->addAction(tr("&Generate clips"), QKeySequence(Qt::CTRL | Qt::Key_G), this, [this] {
        m_tabs->setCurrentWidget(m_generatePanel);
        m_generatePanel->startGeneration();
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i)
        view->addAction(m_tabs->tabText(i), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this,
                        [this, i] { m_tabs->setCurrentIndex(i); });

    QMenu *play = menuBar()->addMenu(tr("&Playback"));
    play->addAction(tr("Play / stop selected (Space)"), m_panel, &ExemplarPanel::playSelected);
    QAction *loop = play->addAction(tr("&Loop"));
    loop->setCheckable(true);
    connect(loop, &QAction::toggled, m_playback, &PlaybackController::setLooping);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Getting started"), QKeySequence::HelpContents, this, [this] {
        QMessageBox::information(this, tr("Getting started"), gettingStarted());
    });
    help->addAction(tr("&About DRAGON Studio"), this,
                    [this] { QMessageBox::about(this, tr("About DRAGON Studio"), aboutText()); });
    rebuildRecentMenu();
}

QString MainWindow::gettingStarted()
{
    return tr("<h3>DRAGON Studio in six steps</h3><ol>"
              "<li><b>Exemplar sets</b> (Ctrl+1): drop audio files or folders, or type "
              "descriptions, into one set per sound you want (or want to avoid).</li>"
              "<li><b>Prompts</b> (Ctrl+2): the train prompts the model practises on and the "
              "eval prompts it is judged on (8 or more, so a win rate can mean something).</li>"
              "<li><b>Reward</b> (Ctrl+3): choose an encoder, compute embeddings (Ctrl+E), and "
              "add terms: a kind, a set, toward or away, a weight.</li>"
              "<li><b>Preview</b> (Ctrl+4, Ctrl+P): generate a batch, see the reward's "
              "distribution beside your exemplars, click any bar or point to hear it, and A/B "
              "the best against the worst (Space, A, L).</li>"
              "<li><b>Train</b> (Ctrl+5, F5): DRAGON fine-tunes in the background; watch the win "
              "rate against the base model and listen to each round's best and worst clip; "
              "a win whose guardrails fell (diversity or prompt adherence) may be reward "
              "hacking. Stopped runs continue from the runs list. Then <b>Compare</b> "
              "(Ctrl+6): the base model against any checkpoint on the same prompts and seeds, "
              "A/B at the same position, and how many eval prompts the tuned model wins.</li>"
              "<li><b>Generate</b> (Ctrl+7, Ctrl+G): make clips with the base or a fine-tuned "
              "model (“Generate with it” on the Compare tab, or Load… a run's "
              "policy.pt) and add the ones you like to a set.</li></ol>");
}

QString MainWindow::aboutText()
{
    const dragon::BuildInfo info = dragon::BuildInfo::current();
    QStringList featureLines;
    for (const std::string &line : info.features)
        featureLines << QString::fromStdString(line).toHtmlEscaped();
    return tr("<h3>DRAGON Studio %1</h3>"
              "<p>Reward design and DRAGON fine-tuning for text-to-music diffusion models "
              "(Distributional Rewards for Generative Optimization, arXiv 2504.15217).</p>"
              "<p>Qt %2 · libtorch %3 (%4)<br>Pocket model: %5<br>%6</p>")
        .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()),
             QString::fromStdString(info.libtorch), info.cuda ? tr("CUDA available") : tr("CPU"),
             info.pocketCheckpoint.empty() ? tr("not found")
                                           : QString::fromStdString(info.pocketCheckpoint),
             featureLines.join(QStringLiteral("<br>")));
}

void MainWindow::updateTitle()
{
    const QString path = m_document->filePath();
    const QString name = path.isEmpty() ? tr("Untitled") : QFileInfo(path).fileName();
    setWindowTitle(tr("%1[*] — DRAGON Studio").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    statusBar()->showMessage(message, 15000);
    if (QApplication::platformName() != "offscreen")
        QMessageBox::warning(this, title, message);
}

bool MainWindow::confirmDiscard()
{
    if (!m_document->isModified() || QApplication::platformName() == "offscreen")
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved changes"), tr("Save the changes to this project first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::newProject()
{
    if (!confirmDiscard())
        return;
    m_playback->stop();
    m_waveforms->clear();
    m_document->reset(dragon::Project{}, QString());
}

bool MainWindow::openProject(const QString &path)
{
    dragon::Project project;
    try {
        project = dragon::ProjectFile::load(path.toStdString());
    } catch (const dragon::ProjectError &e) {
        showError(tr("Cannot open project"), QString::fromStdString(e.what()));
        return false;
    } catch (const std::exception &e) {
        // ProjectFile turns every library error into a ProjectError; this boundary still never
        // lets an exception end the app, and still names the file.
        showError(tr("Cannot open project"),
                  path + QStringLiteral(": ") + QString::fromStdString(e.what()));
        return false;
    }
    m_playback->stop();
    m_waveforms->clear();
    m_document->reset(project, QFileInfo(path).absoluteFilePath());
    m_panel->scanProjectAudio();
    addRecent(QFileInfo(path).absoluteFilePath());
    int missing = 0;
    for (const auto &set : project.exemplarSets)
        for (const auto &item : set.items)
            missing += item.missing ? 1 : 0;
    statusBar()->showMessage(missing
                                 ? tr("Opened %1 — %n referenced file(s) missing", nullptr, missing)
                                       .arg(QFileInfo(path).fileName())
                                 : tr("Opened %1").arg(QFileInfo(path).fileName()),
                             8000);
    return true;
}

void MainWindow::openDialog()
{
    if (!confirmDiscard())
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                      tr("DRAGON projects (*.dragon)"));
    if (!path.isEmpty())
        openProject(path);
}

bool MainWindow::saveProjectAs(const QString &path)
{
    try {
        m_document->saveAs(path);
    } catch (const std::exception &e) {
        showError(tr("Cannot save project"), QString::fromStdString(e.what()));
        return false;
    }
    addRecent(path);
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return true;
}

bool MainWindow::save()
{
    if (m_document->filePath().isEmpty())
        return saveAsDialog();
    return saveProjectAs(m_document->filePath());
}

bool MainWindow::saveAsDialog()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save project"), m_document->filePath(),
                                                tr("DRAGON projects (*.dragon)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(dragon::ProjectFile::kExtension))
        path += dragon::ProjectFile::kExtension;
    return saveProjectAs(path);
}

void MainWindow::addRecent(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value("recentProjects").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue("recentProjects", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value("recentProjects").toStringList();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] {
            if (confirmDiscard())
                openProject(path);
        });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_training->isRunning()) {
        // Quitting stops the run at the end of its current step; its newest checkpoint stays,
        // and the Train tab continues it later.
        if (QApplication::platformName() != "offscreen" &&
            QMessageBox::question(this, tr("Training is running"),
                                  tr("Stop the training and quit? The newest checkpoint is "
                                     "kept: continue the run later from the Train tab.")) !=
                QMessageBox::Yes) {
            event->ignore();
            return;
        }
        statusBar()->showMessage(tr("Stopping the training..."));
        m_training->stopAndWait();
    }
    if (!confirmDiscard()) {
        event->ignore();
        return;
    }
    m_playback->stop();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}
