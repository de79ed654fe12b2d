#pragma once

#include <QHash>
#include <QPair>
#include <QVector>
#include <QWidget>

class ImportController;
class ItemDelegate;
class ItemListModel;
class PlaybackController;
class ProjectDocument;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QMimeData;
class QProgressBar;
class QPushButton;
class SetListModel;
class WaveformStore;

// The exemplar-set editor: sets on the left, the current set's items on the right. Accepts
// dropped or pasted files, folders and text; imports in the background with progress and
// Cancel; lists every file that could not be used with its reason; Space plays the selection.
class ExemplarPanel : public QWidget
{
    Q_OBJECT
public:
    ExemplarPanel(ProjectDocument *document, WaveformStore *waveforms, ImportController *importer,
                  PlaybackController *playback, QWidget *parent = nullptr);

    // What drops and pastes call: files/folders are imported, other text becomes text items.
    void handleMimeData(const QMimeData *mime);
    void importPaths(const QStringList &paths);
    void addTextItems(const QString &text);
    // Reads headers and thumbnails of every audio item (after opening a project).
    void scanProjectAudio();

    QString currentSetId() const;
    void selectSet(int row);
    QListView *setView() const { return m_setView; }
    QListView *itemView() const { return m_itemView; }
    QListWidget *problemList() const { return m_problems; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *cancelButton() const { return m_cancel; }

public Q_SLOTS:
    void newSet();
    void renameCurrentSet();
    void deleteCurrentSet();
    void removeSelectedItems();
    void playSelected();

Q_SIGNALS:
    void statusMessage(const QString &message);
    void importFinished(int jobId, bool cancelled);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Job
    {
        QString setId; // empty for a scan of an opened project
        int added = 0;
        int failed = 0;
    };
    QString ensureSet();
    // Problems belong to the set whose import or paste caused them ("" : the current set).
    void reportProblem(const QString &setId, const QString &path, const QString &reason);
    void showProblems(); // the current set's
    void onCurrentSetChanged();

    ProjectDocument *m_document;
    WaveformStore *m_waveforms;
    ImportController *m_importer;
    PlaybackController *m_playback;
    SetListModel *m_setModel;
    ItemListModel *m_itemModel;
    ItemDelegate *m_delegate;
    QListView *m_setView;
    QListView *m_itemView;
    QLineEdit *m_textEdit;
    QListWidget *m_problems;
    QLabel *m_problemsLabel;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QHash<int, Job> m_jobs;
    QHash<QString, QVector<QPair<QString, QString>>> m_problemsBySet; // set id -> (path, reason)
    QPushButton *m_clearProblems;
};
