#pragma once

#include "workers/GenerationWorker.h"

#include <QWidget>

class GenerationController;
class PlaybackController;
class QDoubleSpinBox;
class GeneratorPicker;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

// Text-to-music with the pocket model: prompt, seed, steps, guidance, batch size; runs in the
// background with progress and Cancel. Results are WAV files (with JSON sidecars) listed with
// their settings; Space or double-click plays one, and they can be dragged into exemplar sets.
class GeneratePanel : public QWidget
{
    Q_OBJECT
public:
    GeneratePanel(PlaybackController *playback, QWidget *parent = nullptr);

    void setCheckpoint(const QString &path); // a generator spec: "pocket" or a file
    GeneratorPicker *generatorPicker() const { return m_picker; }
    void setOutputDir(const QString &dir) { m_outputDir = dir; }
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

public Q_SLOTS:
    void startGeneration();

Q_SIGNALS:
    void generationDone(bool ok);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setRunning(bool running);

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
};
