#pragma once

#include "workers/GenerationWorker.h"

#include <QFutureWatcher>
#include <QImage>
#include <QPair>
#include <QVector>
#include <QWidget>

class GenerationController;
class PlaybackController;
class ProjectDocument;
class QDoubleSpinBox;
class GeneratorPicker;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

// Text-to-music with the pocket model: prompt, seed, steps, guidance, batch size; runs in the
// background with progress and Cancel. Results are WAV files (with JSON sidecars) in the
// project's generations/ folder, listed with their settings and a waveform thumbnail (again
// after a restart); Space or double-click plays one. Clips join an exemplar set through the
// context menu ("Add to set"), by dropping them on a set name beside the list, or by dragging
// them onto the Exemplar sets tab.
class GeneratePanel : public QWidget
{
    Q_OBJECT
public:
    GeneratePanel(PlaybackController *playback, QWidget *parent = nullptr);

    void setCheckpoint(const QString &path); // a generator spec: "pocket" or a file
    // The project whose sets clips can be added to.
    void setDocument(ProjectDocument *document);
    GeneratorPicker *generatorPicker() const { return m_picker; }
    // Where clips go; lists the clips already there (newest first).
    void setOutputDir(const QString &dir);
    QString outputDir() const { return m_outputDir; }
    QLineEdit *promptEdit() const { return m_prompt; }
    QSpinBox *seedBox() const { return m_seed; }
    QSpinBox *stepsBox() const { return m_steps; }
    QDoubleSpinBox *guidanceBox() const { return m_guidance; }
    QSpinBox *countBox() const { return m_count; }
    QPushButton *generateButton() const { return m_generate; }
    QPushButton *cancelButton() const { return m_cancel; }
    QListWidget *results() const { return m_results; }
    QLabel *statusLabel() const { return m_status; }
    QListWidget *setTargets() const { return m_setTargets; }
    // Adds the clips at `paths` to the set `setId` (one undo step); false if it is not there.
    bool addToSet(const QString &setId, const QStringList &paths);
    int thumbnailCount() const;

public Q_SLOTS:
    void startGeneration();

Q_SIGNALS:
    void generationDone(bool ok);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setRunning(bool running);
    void addClipItem(const GeneratedItem &clip, int row);
    void requestThumbnails(const QStringList &paths);
    void onThumbnails();
    void rebuildSetTargets();
    void showContextMenu(const QPoint &pos);
    QStringList selectedPaths() const;

    PlaybackController *m_playback;
    GenerationController *m_controller;
    QString m_checkpoint;
    GeneratorPicker *m_picker = nullptr;
    QString m_outputDir;
    QLineEdit *m_prompt;
    QSpinBox *m_seed, *m_steps, *m_count;
    QDoubleSpinBox *m_guidance;
    QPushButton *m_generate, *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_status;
    QListWidget *m_results;
    QListWidget *m_setTargets;
    ProjectDocument *m_document = nullptr;
    QStringList m_thumbnailQueue;
    QFutureWatcher<QVector<QPair<QString, QImage>>> m_thumbnails;
};
