#pragma once

#include "widgets/AuditionView.h"
#include "widgets/RunTable.h"

#include <QElapsedTimer>
#include <QVector>
#include <QWidget>

class GeneratorPicker;
class ProjectDocument;
class PlaybackController;
class TrainingController;
class TrainingDashboard;
class TrainSettingsForm;
class QLabel;
class QProgressBar;
class QPushButton;

namespace dragon {
struct RoundStats;
struct EvalStats;
struct AuditionClip;
struct DragonConfig;
} // namespace dragon

// The "Train" tab: DRAGON settings, Start / Pause / Stop, live plots of the round reward
// (mean with the 10-90 % band) and of the eval win rate against the base model (its 95 %
// interval: Wilson for instance rewards, the one agreeing with the bootstrap p for set rewards)
// with the guardrails (Vendi diversity, pocket-CLAP adherence), and the audition
// clips (D+ and D- of each round) to listen to. Runs go to <project>.dragon.d/runs/<time>; the
// project's past runs are listed (started, reward, rounds, last win rate, state), selecting one
// shows its plots and clips, and a stopped or killed run continues from the window.
class TrainPanel : public QWidget
{
    Q_OBJECT
public:
    TrainPanel(ProjectDocument *document, TrainingController *training,
               PlaybackController *playback, QWidget *parent = nullptr);

    dragon::DragonConfig configFromForm() const;
    QString runDirectory() const { return m_runDir; }
    QString status() const;
    int plottedRounds() const;
    int plottedEvaluations() const;
    int auditionCount() const;
    RunTable *runList() const { return m_runs; }
    TrainingDashboard *dashboard() const { return m_dashboard; }
    QPushButton *continueButton() const { return m_continue; }
    bool isTraining() const;
    // Why Start is disabled (empty: it is not) and warnings (e.g. too few eval prompts).
    QString startBlockedReason() const { return m_blocked; }
    QString startWarning() const { return m_warning; }
    QString progressText() const; // what the progress bar says
    AuditionView *auditionView() const { return m_auditions; }
    TrainSettingsForm *settingsForm() const { return m_form; }

public Q_SLOTS:
    bool startRun(); // false (and a status message) if the project or settings cannot train
    // Continues the selected run from its newest checkpoint (false: none selected, finished,
    // or a run is active).
    bool continueRun();
    void refreshRuns();
    // Shows run `row` of the list (plots and audition clips) while nothing trains.
    void showRun(int row);
    void openRunFolder();
    // Moves run `folder` to the trash (asking first when `ask`; where there is no trash, only
    // after asking, it is deleted for good). Refused for the run in progress. The list, and
    // the plots when it was the run shown, follow; false (with the reason in the status) when
    // nothing was removed.
    bool deleteRun(const QString &folder, bool ask = true);
    // Exports of the shown run (false, with the reason in the status, when it cannot).
    bool exportMetrics(const QString &csvPath);
    bool exportPlots(const QString &basePath); // BASE-reward/-win-rate/-guardrails .png + .pdf
    bool exportModel(const QString &path);     // policy.pt, which dragon generate loads
    int exportClips(const QString &folder, bool flac); // the audition clips; returns how many
    void togglePause();
    void stopRun();

Q_SIGNALS:
    void statusMessage(const QString &message);
    void runFinished();
    // "Compare with base…": the Compare tab for run `folder`.
    void compareRequested(const QString &folder);
    void runDeleted(const QString &folder); // the Compare tab lists the runs again

private:
    void onRound(const dragon::RoundStats &s);
    void onEval(const dragon::EvalStats &e);
    void plotRound(const dragon::RoundStats &s);
    void plotEval(const dragon::EvalStats &e);
    void clearPlots();
    // No run shown any more (it was deleted, or another project was opened): plots, clips and
    // the progress bar emptied.
    void forgetShownRun();
    void spanEmptyPlots(); // no run shown: the plots span the rounds the form would run
    bool launch(const dragon::DragonConfig &config, const QString &runDir, bool resumed);
    void updateStartState();
    void onAudition(const dragon::AuditionClip &c);
    void onFinished(int rounds, bool stopped, const QString &error);
    void setRunning(bool running);
    void setStatus(const QString &text, bool error = false);
    // Until a run or an action says something, the status line says what Start would do (or
    // what is still missing) for the project as it is now.
    void showIdleStatus();
    // The progress bar: rounds done of the total, the phase, the ETA; a final state at the end.
    void updateProgress();
    // The progress bar at a run's end, or for a past run shown from its files: full for the
    // rounds done, with `text` ("Finished: 20 rounds", "Stopped at round 7 of 20").
    void showEndState(const QString &text);
    QString selectedRunFolder() const;  // the list's selected run, else the run shown
    void showRunMenu(const QPoint &at); // the list's context menu

    ProjectDocument *m_document;
    TrainingController *m_training;
    PlaybackController *m_playback;
    TrainSettingsForm *m_form;
    QPushButton *m_start, *m_pause, *m_stop, *m_continue, *m_openRun, *m_export, *m_compare;
    RunTable *m_runs;
    QLabel *m_status;
    QProgressBar *m_progress;
    TrainingDashboard *m_dashboard;
    QLabel *m_startHint;
    QString m_blocked, m_warning;
    bool m_idleStatus = true; // the status line shows showIdleStatus()'s text
    AuditionView *m_auditions;
    QVector<AuditionEntry> m_plus, m_minus; // each round's best and worst, newest round first
    QString m_runDir;
    GeneratorPicker *m_generator = nullptr;
    int m_totalRounds = 0;
    int m_roundsDone = 0, m_firstRound = -1; // first round reported by this session
    QString m_phase;
    double m_phaseFraction = 0;
    QElapsedTimer m_runClock;
};
