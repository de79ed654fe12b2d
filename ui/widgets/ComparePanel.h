#pragma once

#include "preview/CompareResult.h"

#include <QString>
#include <QWidget>

class AuditionView;
class CompareController;
class PlaybackController;
class ProjectDocument;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

// The "Compare" tab: the base model against a fine-tuned model of one of the project's runs
// (any round checkpoint, policy.pt or best-policy.pt) for the same prompt and seed, generated
// in the background. One prompt, or batch mode over the run's eval prompts and seeds, which
// counts how many prompts the tuned model wins (Wilson interval, sign test) as the run's
// evaluation does. The pairs are listed in an AuditionView, tuned on the left and base on the
// right, row i the same prompt and seed: A or Tab switches side at the same playback position.
// The newest comparison of the selected run is shown again when the run is selected.
class ComparePanel : public QWidget
{
    Q_OBJECT
public:
    ComparePanel(ProjectDocument *document, PlaybackController *playback,
                 QWidget *parent = nullptr);

    QComboBox *runCombo() const { return m_run; }
    QComboBox *modelCombo() const { return m_model; }
    QComboBox *promptCombo() const { return m_prompt; } // row 0: all eval prompts
    QSpinBox *seedBox() const { return m_seed; }
    QSpinBox *seedsBox() const { return m_seeds; }
    QPushButton *compareButton() const { return m_compare; }
    QPushButton *cancelButton() const { return m_cancel; }
    // "Generate with it": the chosen model on the Generate tab (best-policy.pt, policy.pt, or
    // a round checkpoint whose round one of them holds; other rounds cannot be loaded alone).
    QPushButton *generateWithButton() const { return m_generateWith; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *statusLabel() const { return m_status; }
    AuditionView *audition() const { return m_audition; }
    const dragon::CompareResult &result() const { return m_result; }
    QString folder() const { return m_folder; }
    bool isBusy() const;

public Q_SLOTS:
    void refreshRuns();
    // Selects the run in `folder` (false: not a run of this project).
    bool selectRun(const QString &folder);
    bool startCompare(); // false (with the reason in the status) when it cannot start
    void showResult(const dragon::CompareResult &result, const QString &folder);

Q_SIGNALS:
    void statusMessage(const QString &message);
    // The user wants to generate with `model` (a generator file), prompt filled in when one
    // prompt is chosen (else empty).
    void generateWithModel(const QString &model, const QString &prompt);

private:
    void onRunChanged();
    // The generator file of the chosen model: itself when it loads alone, else the file with
    // the same round's weights (policy.pt, best-policy.pt); empty when there is none.
    QString generatorFileForModel() const;
    void updateGenerateWith();    // enabled when there is such a file, with why in the tooltip
    QString chosenPrompt() const; // empty: all eval prompts
    void setRunning(bool running);
    void setStatus(const QString &text, bool error = false);

    ProjectDocument *m_document;
    PlaybackController *m_playback;
    CompareController *m_controller;
    QComboBox *m_run, *m_model, *m_prompt;
    QSpinBox *m_seed, *m_seeds;
    QPushButton *m_compare, *m_cancel, *m_generateWith;
    QProgressBar *m_progress;
    QLabel *m_summary, *m_status;
    AuditionView *m_audition;
    dragon::CompareResult m_result;
    QString m_folder;
};
