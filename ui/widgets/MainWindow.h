#pragma once

#include <QMainWindow>

class ExemplarPanel;
class GeneratePanel;
class EmbeddingController;
class PreviewPanel;
class QTabWidget;
class RewardPanel;
class ComparePanel;
class TrainPanel;
class TrainingController;
class ImportController;
class PlaybackController;
class ProjectDocument;
class QMenu;
class WaveformStore;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Returns false (after telling the user why) if the project could not be opened; the
    // current project is then left exactly as it was.
    bool openProject(const QString &path);
    bool saveProjectAs(const QString &path);

    ProjectDocument *document() const { return m_document; }
    ExemplarPanel *exemplarPanel() const { return m_panel; }
    GeneratePanel *generatePanel() const { return m_generatePanel; }
    RewardPanel *rewardPanel() const { return m_rewardPanel; }
    PreviewPanel *previewPanel() const { return m_previewPanel; }
    TrainPanel *trainPanel() const { return m_trainPanel; }
    ComparePanel *comparePanel() const { return m_comparePanel; }
    PlaybackController *playback() const { return m_playback; }
    QString lastError() const { return m_lastError; }
    QTabWidget *tabs() const { return m_tabs; }
    // The Help menu's texts.
    static QString gettingStarted();
    static QString aboutText();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void newProject();
    void openDialog();
    bool save();
    bool saveAsDialog();
    bool confirmDiscard();
    void addRecent(const QString &path);
    void rebuildRecentMenu();
    void updateTitle();
    void showError(const QString &title, const QString &message);

    ProjectDocument *m_document;
    WaveformStore *m_waveforms;
    ImportController *m_importer;
    PlaybackController *m_playback;
    ExemplarPanel *m_panel;
    GeneratePanel *m_generatePanel;
    EmbeddingController *m_embeddings;
    RewardPanel *m_rewardPanel;
    PreviewPanel *m_previewPanel;
    QTabWidget *m_tabs = nullptr;
    TrainingController *m_training;
    TrainPanel *m_trainPanel;
    ComparePanel *m_comparePanel;
    QMenu *m_recentMenu = nullptr;
    QString m_lastError;
};
