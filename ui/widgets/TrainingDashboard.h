#pragma once

#include "dragon/DragonEvents.h"

#include <QVector>
#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QCPGraph;
class QCPTextElement;

// The live plots of a DRAGON run: the round reward (median with the 10-90 % band; for a
// multi-term reward a chooser shows each term in its own units), the eval win rate against the
// base model with its 95 % band and the 0.5 line, the eval reward's paired change against the
// base (in the better direction, with its 95 % interval and the 0 line: the round reward mixes
// easy and hard prompts, so a small gain hides in its band where the paired change shows it;
// the chooser's term in its own units), loss with implicit accuracy (own axis), and
// the guardrails (Vendi diversity and CLAP adherence, each on its own axis, base values as
// dashed lines). Legends sit below the data; axes span the run's rounds from the first point.
// A line above the guardrails says at each evaluation whether they held (GuardrailCheck) and,
// when one fell, that the win rate may be reward hacking. Under them, the median loudness of the
// eval clips, tuned against base (dashed), with the shift in the title: a reward that is won by
// turning clips up or down shows here while it trains, not only after it.
class TrainingDashboard : public QWidget
{
    Q_OBJECT
public:
    explicit TrainingDashboard(QWidget *parent = nullptr);

    void clear(int totalRounds);
    void setTotalRounds(int totalRounds);
    void addRound(const dragon::RoundStats &stats);
    void addEval(const dragon::EvalStats &stats);

    int plottedRounds() const;
    int plottedEvaluations() const;
    QComboBox *termChooser() const { return m_term; }
    QLabel *guardrailNote() const { return m_guardNote; }
    // Whether the run's reward has a loudness term (moving level is what it asks). Without one,
    // a shift of kLevelShiftNoteLu or more is marked on the loudness plot.
    void setLevelIsTarget(bool target);
    static constexpr double kLevelShiftNoteLu = 2.0;
    // The loudness plot's title: at the newest evaluation, how far the tuned clips moved.
    QString loudnessTitleText() const;
    // The plots with a file-name stem each: "reward", "win-rate", "loss", "guardrails",
    // "loudness", "reward-change".
    QVector<QPair<QCustomPlot *, QString>> plots() const;

private:
    void redrawReward();
    void redrawChange();
    void fitX(QCustomPlot *plot) const;
    static void fitY(QCustomPlot *plot, bool rightAxis = false);
    // Both guardrail axes on one scale relative to their base model's value, so each line shows
    // how far that guardrail moved (fitted each on its own, two lines of two points always drew
    // the same diagonal, one hiding the other).
    void fitGuardrails(double vendiBase, double clapBase);
    void noteGuardrails(const dragon::EvalStats &stats);
    void addLoudness(const dragon::EvalStats &stats);
    QCPTextElement *loudnessTitle() const;

    QComboBox *m_term;
    QLabel *m_guardNote;
    QCustomPlot *m_reward, *m_win, *m_change, *m_loss, *m_guard, *m_loudness;
    QCPGraph *m_p10, *m_p90, *m_median;
    QCPGraph *m_winRate, *m_winLower, *m_winUpper;
    QCPGraph *m_delta, *m_deltaLower, *m_deltaUpper;
    QCPGraph *m_lossLine, *m_accuracy;
    QCPGraph *m_vendi, *m_clap, *m_vendiBase, *m_clapBase;
    QCPGraph *m_vendiFell, *m_clapFell; // the evaluations where that guardrail fell, ringed
    QCPGraph *m_lufs, *m_lufsBase;
    QVector<dragon::RoundStats> m_rounds;
    QVector<dragon::EvalStats> m_evals;
    QVector<int> m_guardFellAt; // rounds of this run's evaluations whose guardrails fell
    int m_totalRounds = 1;
    bool m_levelIsTarget = false;
};
